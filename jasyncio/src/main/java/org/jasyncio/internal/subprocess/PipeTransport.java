package org.jasyncio.internal.subprocess;

import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.BaseTransport;

/**
 * What the read and write pipe transports share: they report to a {@link PipeOwner}, a child's
 * {@link ProcessTransport} (asyncio's pipe transports of a subprocess, whose protocol is the
 * subprocess's) or a {@link LonePipe} (asyncio's {@code connect_read_pipe} and
 * {@code connect_write_pipe}), which also answers for their protocol and extra info.
 */
abstract class PipeTransport implements BaseTransport {
    final PipeOwner owner;

    PipeTransport(PipeOwner owner) {
        this.owner = owner;
    }

    @Override
    public Object getExtraInfo(String name, Object defaultValue) {
        return owner.pipeExtraInfo(name, defaultValue);
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        owner.setPipeProtocol(protocol);
    }

    @Override
    public BaseProtocol getProtocol() {
        return owner.getProtocol();
    }
}
