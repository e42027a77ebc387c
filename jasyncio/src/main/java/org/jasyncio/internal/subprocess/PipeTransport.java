package org.jasyncio.internal.subprocess;

import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.BaseTransport;

/**
 * What a child's stdin, stdout and stderr transports share: they belong to one
 * {@link ProcessTransport}, report to its protocol, and have no extra info of their own
 * (asyncio's pipe transports of a subprocess, whose protocol is the subprocess's).
 */
abstract class PipeTransport implements BaseTransport {
    final ProcessTransport owner;

    PipeTransport(ProcessTransport owner) {
        this.owner = owner;
    }

    @Override
    public Object getExtraInfo(String name, Object defaultValue) {
        return defaultValue;
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        throw new IllegalArgumentException("a subprocess pipe reports to its SubprocessTransport; "
                + "set the protocol there (SubprocessTransport.setProtocol)");
    }

    @Override
    public BaseProtocol getProtocol() {
        return owner.getProtocol();
    }
}
