package org.jasyncio;

/**
 * A request another thread makes of a loop ({@code stop()}, a keyboard interrupt, a
 * {@code Handle.cancel()}), carried
 * out by the loop when it takes the request from its inbox: one way in, so no request lands
 * between the loop's last look at its state and its going to sleep.
 */
final class LoopAction extends ReadyItem {
    static final int STOP = 0;
    static final int KEYBOARD_INTERRUPT = 1;

    static final int CANCEL = 2;

    private final BaseEventLoop loop;
    private final int action;
    private final Handle handle;

    LoopAction(BaseEventLoop loop, int action) {
        this.loop = loop;
        this.action = action;
        this.handle = null;
    }

    /** A cancel of {@code handle} made on another thread. */
    LoopAction(Handle handle) {
        this.loop = handle.loop;
        this.action = CANCEL;
        this.handle = handle;
    }

    @Override
    void runReady() {
        if (action == CANCEL) {
            handle.cancelNow();
        } else {
            loop.act(action);
        }
    }

    @Override
    public String toString() {
        return switch (action) {
            case STOP -> "<stop request>";
            case KEYBOARD_INTERRUPT -> "<keyboard interrupt>";
            default -> "<cancel " + handle + ">";
        };
    }
}
