package org.jasyncio;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jasyncio.internal.LoomSupport;
import org.jasyncio.internal.LoopInternals;
import org.jasyncio.internal.diag.Jfr;

/**
 * The scheduler: ready queue, timers, the thread-safe inbox, task steps, running, stopping
 * and closing; CPython's {@code BaseEventLoop._run_once} and friends. The I/O mechanism is a
 * {@link Poller} strategy; the loop's services (task registry, executor, signal handlers,
 * attachments) are objects it owns; {@link SelectorEventLoop} adds the API on top. See
 * docs/ARCHITECTURE.md, "The loop's parts".
 */
abstract sealed class BaseEventLoop implements EventLoop permits SelectorEventLoop {
    /** One clock origin for every loop, so that loop times are comparable and small. */
    static final long CLOCK_ORIGIN = System.nanoTime();

    // ---- state touched only by the loop thread (or any one thread while not running) ----
    final ReadyQueue ready = new ReadyQueue();
    /** Eager task starts: run right after the current step, outside the iteration's count. */
    private final ReadyQueue runNext = new ReadyQueue();
    private final TimerQueue timers = new TimerQueue();
    /** The task whose step is running, or null. */
    Task<?> current;
    /** The context of the callback that is running, or null. */
    Context handleContext;
    /** Numbers unnamed tasks (Task-N), per loop: no atomic increment per task. */
    long taskCounter;
    private int eagerRoute;
    private Task<?> eagerChild;
    /** Its tasks and unretrieved failures. */
    final TaskRegistry tasks = new TaskRegistry(this);
    final LoopStats stats = new LoopStats();
    /** The default executor. */
    final LoopExecutor executor = new LoopExecutor(this);
    /** What the loop carries for jasyncio's other parts: subprocess children, async generators. */
    final LoopAttachments attachments = new LoopAttachments(this);

    /** What the loop waits in for I/O; its clock. */
    final Poller poller;
    /**
     * Futures another thread will complete (runInExecutor, wrapFuture, the executor's shutdown)
     * not done yet: a virtual clock waits for them a little before it jumps. Thread-safe.
     */
    final AtomicInteger outsideWork = new AtomicInteger();

    // ---- state shared with other threads ----
    final Inbox inbox = new Inbox();
    volatile Thread owner;
    /** stop() was called on the loop thread (or its request arrived through the inbox). */
    private boolean stopping;
    private volatile boolean closed;
    volatile boolean debug;
    /** Debug mode's threshold for "Executing ... took ... seconds". */
    volatile long slowCallbackNanos = 100_000_000L;
    /** Set from the signal thread by a runner's second Ctrl-C. */
    /**
     * A KeyboardInterrupt raised by a callback or a task's step: asyncio lets it leave
     * run_once at once, so the iteration stops and runForever() raises it. Loop thread only.
     */
    private Throwable baseError;
    private Throwable lastBaseError;
    /** Its signal handlers. */
    final SignalHandlers signals = new SignalHandlers(this);
    /** The runCoroutineThreadsafe futures still waiting for their task. */
    final ThreadsafeCalls threadsafeCalls = new ThreadsafeCalls();

    static {
        LoopInternals.install(new CoreInternals());
    }

    /**
     * Makes a loop on the NIO poller, with the real clock or a virtual one.
     *
     * @param clock the virtual clock, or null for the real one
     */
    BaseEventLoop(VirtualClock clock) {
        LoomSupport.check();
        this.debug = Debug.defaultDebug();
        NioPoller nio = new NioPoller(this);
        this.poller = clock == null ? nio : new VirtualTimePoller(nio, clock, this);
        LoopFaults.preload(this);
        Diagnostics.loopStarting();
    }

    // =====================================================================================
    // The I/O mechanism: a strategy, not a subclass
    // =====================================================================================

    /** Nanoseconds on the loop's clock. */
    final long nanoTime() {
        return poller.nanoTime();
    }

    /** Wakes a poll in progress, or makes the next one return at once. Thread-safe. */
    final void wakeup() {
        poller.wakeup();
    }

    /** Work to do before the loop waits for I/O (the network API's idle registrations). */
    void beforePoll() {}

    // =====================================================================================
    // Running
    // =====================================================================================

    @Override
    public void runForever() {
        checkClosed();
        checkNotRunning();
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            throw new IllegalStateException("An event loop must run on a platform thread, but runForever() was "
                    + "called on virtual thread " + t + "; call it from main() or a platform thread");
        }
        owner = t;
        RunningLoops.enter(this);
        try {
            while (true) {
                try {
                    runOnce();
                } catch (Error e) {
                    LoopFaults.escaped(this, e);
                }
                Throwable base = baseError;
                if (base != null) {
                    baseError = null;
                    lastBaseError = base;
                    throw Throwables.<RuntimeException>sneaky(base);
                }
                if (stopping) {
                    break;
                }
            }
        } finally {
            stopping = false;
            owner = null;
            RunningLoops.exit(this);
        }
    }

    private void checkNotRunning() {
        if (owner != null) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (RunningLoops.current() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running");
        }
    }

    @Override
    public <T> T runUntilComplete(Future<T> future) throws Exception {
        checkClosed();
        checkNotRunning();
        Objects.requireNonNull(future, "future");
        if (future.loop != this) {
            throw new IllegalArgumentException("The future belongs to a different loop than the one it is run on");
        }
        // asyncio (bpo-22429): a KeyboardInterrupt already left runForever(); stopping again
        // would end the loop's next run at once
        Consumer<Future<T>> stopper = f -> {
            if (f.cancelled() || !(f.peekException() instanceof KeyboardInterrupt)) {
                stop();
            }
        };
        future.addInternalCallback(stopper);
        try {
            runForever();
        } catch (Throwable e) {
            if (future.done() && !future.cancelled()) {
                future.markRetrieved();
            }
            throw e;
        } finally {
            future.removeDoneCallback(stopper);
        }
        if (!future.done()) {
            throw new IllegalStateException("Event loop stopped before Future completed.");
        }
        return future.result();
    }

    @Override
    public <T> T runUntilComplete(Coroutine<T> coro) throws Exception {
        checkClosed();
        checkNotRunning();
        return runUntilComplete(createTask(coro));
    }

    @Override
    public void runUntilComplete(VoidCoroutine coro) throws Exception {
        runUntilComplete(Coroutine.of(coro));
    }

    @Override
    public void stop() {
        if (owner == null || onLoopThread()) {
            stopping = true;
        } else if (inbox.push(new LoopAction(this, LoopAction.STOP))) {
            // From another thread: through the inbox, so the request cannot slip between the
            // loop's last look at its state and its going to sleep.
            wakeup();
        }
    }

    /** Carries out a request another thread made through the inbox. */
    final void act(int action) {
        if (action == LoopAction.STOP) {
            stopping = true;
        } else if (baseError == null) {
            baseError = new KeyboardInterrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return owner != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (owner != null) {
            throw new IllegalStateException("Cannot close a running event loop");
        }
        if (closed) {
            return;
        }
        if (debug) {
            Debug.LOG.log(Level.DEBUG, "Close " + this);
        }
        signals.close();
        closed = true;
        // Every callback another thread handed in runs (the pushes after this fail with an
        // error instead): callSoonThreadsafe never accepts a callback and then drops it.
        ready.clear();
        runNext.clear();
        inbox.close(ready);
        for (ReadyItem item; (item = ready.poll()) != null; ) {
            if (item instanceof Handle h) {
                h.run();
            }
        }
        threadsafeCalls.loopClosed();
        attachments.close();
        timers.clear();
        executor.close();
        tasks.pollReferences();
        tasks.reportUnretrieved();
        poller.close();
    }

    /** One iteration: CPython's {@code _run_once}. */
    final void runOnce() {
        TimerQueue timers = this.timers;
        timers.tidy();

        long timeout;
        if (!ready.isEmpty() || stopping || !inbox.isEmpty()) {
            timeout = 0;
        } else if (!timers.isEmpty()) {
            timeout = Math.max(0, timers.peek().deadline - nanoTime());
        } else {
            timeout = -1;
        }
        beforePoll();
        try {
            poller.poll(timeout, inbox);
        } catch (Error e) {
            // Out of memory while polling: what is ready still runs, and may free what is held.
            LoopFaults.escaped(this, e);
        }
        LoopStats stats = this.stats;
        long batchStart = stats.sample(timeout) ? (stats.clock = System.nanoTime()) : 0;
        // What other threads queued precedes the I/O events and the timers falling due now, as
        // in asyncio where call_soon_threadsafe appends to the ready deque at once.
        inbox.drainTo(ready);
        poller.queueEvents();

        if (!timers.isEmpty()) {
            timers.moveDue(nanoTime(), ready);
        }
        tasks.pollReferences();

        // Run exactly the items ready now; items queued meanwhile wait for the next iteration.
        ReadyQueue ready = this.ready;
        ReadyItem end = ready.tail();
        if (end == null) {
            return;
        }
        int batch = ready.size();
        stats.callbacksRun += batch;
        boolean timed = debug || Jfr.on;
        ReadyItem item;
        do {
            item = ready.poll();
            if (timed) {
                runTimed(item);
            } else {
                item.runReady();
            }
            if (!runNext.isEmpty()) {
                drainRunNext();
            }
            if (baseError != null) {
                return; // the rest stays queued for the next run, as in asyncio
            }
        } while (item != end);
        if (batchStart != 0) {
            Diagnostics.batchTimed(this, batchStart, batch);
        }
    }

    private void drainRunNext() {
        ReadyItem o;
        while ((o = runNext.poll()) != null) {
            stats.callbacksRun++;
            if (debug || Jfr.on) {
                runTimed(o);
            } else {
                o.runReady();
            }
        }
    }

    private void runTimed(ReadyItem o) {
        long t0 = System.nanoTime();
        o.runReady();
        long dt = System.nanoTime() - t0;
        if (dt >= slowCallbackNanos) {
            Diagnostics.slow(this, o, dt);
        }
    }

    // =====================================================================================
    // Thread checks
    // =====================================================================================

    /** True when called by the loop thread or by a task of this loop. */
    final boolean onLoopThread() {
        Thread t = Thread.currentThread();
        if (t == owner) {
            return true;
        }
        Task<?> c = current;
        return c != null && c.thread == t;
    }

    /** Rejects a loop-affine call from another thread while the loop runs. */
    final void checkThread(String what) {
        Thread o = owner;
        if (o == null) {
            return;
        }
        Thread t = Thread.currentThread();
        if (t == o) {
            return;
        }
        Task<?> c = current;
        if (c != null && c.thread == t) {
            return;
        }
        throw new IllegalStateException(what + " is not thread-safe: it was called from thread '" + t.getName()
                + "' while the event loop runs on thread '" + o.getName()
                + "'; from other threads use loop.callSoonThreadsafe() or Asyncio.runCoroutineThreadsafe()");
    }

    final void checkClosed() {
        if (closed) {
            throw new IllegalStateException("Event loop is closed");
        }
    }

    // =====================================================================================
    // Callbacks and timers
    // =====================================================================================

    @Override
    public double time() {
        return nanoTime() / 1e9;
    }

    @Override
    public Handle callSoon(Runnable callback) {
        return callSoon(callback, null);
    }

    @Override
    public Handle callSoon(Runnable callback, Context context) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("callSoon()");
        Handle h = new Handle(this, callback, context != null ? context : Context.current().copy());
        callSoon0(h);
        return h;
    }

    /**
     * Queues an internal item: loop thread, or any thread while the loop is not running (then
     * through the inbox, so that it keeps its place among callSoonThreadsafe calls).
     */
    final void callSoon0(ReadyItem h) {
        if (owner == null) {
            inbox.push(h);
        } else {
            ready.addLast(h);
        }
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback) {
        return callSoonThreadsafe(callback, null);
    }

    @Override
    public Handle callSoonThreadsafe(Runnable callback, Context context) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        Handle h = new Handle(this, callback, context != null ? context : Context.current().copy());
        if (owner != null && onLoopThread()) {
            // asyncio appends both to one deque: from the loop thread this keeps call order with callSoon
            ready.addLast(h);
        } else if (inbox.push(h)) {
            wakeup();
        } else {
            // The loop closed between the check above and the push: nothing was accepted.
            throw new IllegalStateException("Event loop is closed");
        }
        return h;
    }

    @Override
    public TimerHandle callLater(double delay, Runnable callback) {
        return callLater(delay, callback, null);
    }

    @Override
    public TimerHandle callLater(Duration delay, Runnable callback) {
        Objects.requireNonNull(delay, "delay");
        return callAtNanos(Seconds.saturatedAdd(nanoTime(), Seconds.nanos(delay)), callback, null);
    }

    @Override
    public TimerHandle callLater(double delay, Runnable callback, Context context) {
        Seconds.checkSeconds(delay, "delay");
        return callAtNanos(Seconds.saturatedAdd(nanoTime(), Seconds.secondsToNanos(delay)), callback, context);
    }

    @Override
    public TimerHandle callAt(double when, Runnable callback) {
        return callAt(when, callback, null);
    }

    @Override
    public TimerHandle callAt(double when, Runnable callback, Context context) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("when must not be NaN");
        }
        return callAtNanos(Seconds.secondsToNanos(when), callback, context);
    }

    final TimerHandle callAtNanos(long deadline, Runnable callback, Context context) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("callAt()");
        TimerHandle h = new TimerHandle(this, deadline, timers.nextSeq(), callback,
                context != null ? context : Context.current().copy());
        h.scheduled = true;
        timers.add(h);
        return h;
    }

    /** Schedules an internal timer that captures no context. */
    final TimerHandle callLaterInternal(long delayNanos, Runnable callback) {
        checkClosed();
        TimerHandle h = new TimerHandle(this, Seconds.saturatedAdd(nanoTime(), delayNanos), timers.nextSeq(), callback, null);
        h.scheduled = true;
        timers.add(h);
        return h;
    }

    final void timerCancelled(TimerHandle h) {
        if (h.scheduled) {
            timers.cancelled();
        }
    }

    /** A Handle cancelled from another thread: the loop cancels it when it takes the request. */
    final void postCancel(Handle h) {
        if (inbox.push(new LoopAction(h))) {
            wakeup();
        }
    }

    // =====================================================================================
    // Futures and tasks
    // =====================================================================================

    /**
     * Queues a task: its first step, or its continuation when the JDK (through the task's
     * scheduler) unparks it or it yields. From the loop thread it goes to the ready queue;
     * from any other thread to the inbox, with a wake-up. Never blocks.
     */
    final void scheduleTask(Task<?> task) {
        Thread t = Thread.currentThread();
        Task<?> c;
        if (t == owner || ((c = current) != null && c.thread == t)) {
            if (eagerRoute > 0) {
                // The parent yielding in startEagerly: run the child first, then the parent.
                eagerRoute = 0;
                runNext.addFirst(task.stepper);
                if (eagerChild != null) {
                    runNext.addFirst(eagerChild.stepper);
                    eagerChild = null;
                }
            } else {
                ready.addLast(task.stepper);
            }
        } else if (inbox.push(task.stepper)) {
            wakeup();
        }
    }

    /**
     * Queues a new task's first step, FIFO with callSoon: like callSoon, it goes straight to
     * the ready queue when called by the loop or while the loop is not running.
     */
    final void scheduleNew(Task<?> task) {
        if (owner == null) {
            inbox.push(task.stepper);
        } else if (onLoopThread()) {
            ready.addLast(task.stepper);
        } else if (inbox.push(task.stepper)) {
            wakeup();
        }
    }

    /** Starts a task whose first step must run before createTask returns (eager). */
    final void startEagerly(Task<?> task) {
        Thread t = Thread.currentThread();
        Task<?> c = current;
        if (t == owner) {
            // From a callback: run the first step right here.
            Context saved = handleContext;
            handleContext = null;
            try {
                task.step();
            } finally {
                handleContext = saved;
            }
        } else if (c != null && c.thread == t) {
            // From a task: yield to the child's first step, then resume.
            eagerChild = task;
            eagerRoute = 1;
            try {
                Thread.yield();
            } finally {
                eagerRoute = 0;
                if (eagerChild != null) {
                    runNext.addFirst(eagerChild.stepper);
                    eagerChild = null;
                }
            }
        } else {
            scheduleTask(task);
        }
    }

    final boolean raiseOutOfLoop(Throwable t) {
        if (!(t instanceof KeyboardInterrupt)) {
            return false;
        }
        // The same error reaching the loop again (a group re-raising its child's, during the
        // runner's shutdown) left it once already: raising it twice would make a
        // try-with-resources suppress it into itself.
        if (baseError == null && t != lastBaseError) {
            baseError = t;
        }
        return true;
    }

    /** A second Ctrl-C: KeyboardInterrupt leaves runForever() (thread-safe, through the inbox). */
    final void interruptWithKeyboardInterrupt() {
        if (inbox.push(new LoopAction(this, LoopAction.KEYBOARD_INTERRUPT))) {
            wakeup();
        }
    }

    // =====================================================================================
    // Debug
    // =====================================================================================

    @Override
    public LoopStatistics statistics() {
        checkThread("statistics()");
        return stats.snapshot(tasks.allTasks().size(), ready.size(), timers.size(), poller.nio().wakeups.get());
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " running=" + isRunning() + " closed=" + closed + " debug=" + debug
                + ">";
    }
}
