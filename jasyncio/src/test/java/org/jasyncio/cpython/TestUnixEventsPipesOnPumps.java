package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;

import org.jasyncio.transports.ReadTransport;
import org.junit.jupiter.api.Test;

/**
 * {@link TestUnixEventsPipes} again, with the Pipe's ends hidden behind plain channels that no
 * selector can watch, so that every test goes through the pump threads (the mechanism of FIFOs,
 * streams, descriptors and children's pipes).
 */
class TestUnixEventsPipesOnPumps extends TestUnixEventsPipes {

    @Override
    ReadableByteChannel readEnd(Pipe pipe) {
        return Channels.newChannel(Channels.newInputStream(pipe.source()));
    }

    @Override
    WritableByteChannel writeEnd(Pipe pipe) {
        return Channels.newChannel(Channels.newOutputStream(pipe.sink()));
    }

    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test__read_ready_error
    @Test
    void testReadReadyError() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            ReadTransport tr = getRunningLoop().connectReadPipe(() -> p, readEnd(pipe)).transport();
            pipe.source().close(); // someone else closes the descriptor under the read
            p.until(() -> p.events.contains("lost"));
            assertEquals(List.of("made", "lost"), p.events);
            assertNotNull(p.lostWith, "a read error reaches connectionLost");
            assertTrue(tr.isClosing());
            pipe.sink().close();
        });
    }

}
