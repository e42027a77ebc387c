package org.jasyncio.examples.net;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.jasyncio.Asyncio;
import org.junit.jupiter.api.Test;

/** prebuilt-sockets: a server on a pre-bound channel, a happy-eyeballs client, an accepted channel. */
class PrebuiltSocketsTest {

    @Test
    void eachStepAnswers() throws Exception {
        List<String> lines = Asyncio.run(PrebuiltSockets::demo);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("1+2. hello from a server on a pre-bound channel"), lines.get(0));
        assertEquals("3.   echo: ping", lines.get(1));
    }
}
