package org.jasyncio;

import org.jasyncio.internal.AttachmentKey;
import org.jasyncio.internal.LoopAttachment;
import org.jasyncio.internal.LoopInternals;

/**
 * What the internal packages may ask of the core (the running loop, the current task, thread
 * checks, attachments), installed when the loop class is initialised.
 */
final class CoreInternals implements LoopInternals {
    @Override
    public EventLoop runningLoop() {
        return RunningLoops.current();
    }

    @Override
    public Task<?> currentTaskOrNull() {
        return Task.current();
    }

    @Override
    public void checkThread(EventLoop loop, String what) {
        ((BaseEventLoop) loop).checkThread(what);
    }

    @Override
    public boolean onLoopThread(EventLoop loop) {
        return ((BaseEventLoop) loop).onLoopThread();
    }

    @Override
    public <A extends LoopAttachment> A attachment(EventLoop loop, AttachmentKey<A> key) {
        return ((BaseEventLoop) loop).attachments.get(key);
    }

    @Override
    public <A extends LoopAttachment> A peekAttachment(EventLoop loop, AttachmentKey<A> key) {
        return ((BaseEventLoop) loop).attachments.peek(key);
    }
}
