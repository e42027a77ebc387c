package org.jasyncio;

import java.lang.System.Logger.Level;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jasyncio.internal.Faults;
import org.jasyncio.internal.LoomSupport;

/**
 * The event loop without its I/O mechanism: ready queue, timers, the thread-safe inbox,
 * task scheduling, executors, errors and debug mode; CPython's {@code BaseEventLoop}.
 * {@link SelectorEventLoop} adds the selector.
 */
abstract sealed class BaseEventLoop implements EventLoop permits SelectorEventLoop {
    /** asyncio's _MIN_SCHEDULED_TIMER_HANDLES and _MIN_CANCELLED_TIMER_HANDLES_FRACTION. */
    private static final int MIN_SCHEDULED_TIMERS = 100;
    /** One clock origin for every loop, so that loop times are comparable and small. */
    static final long CLOCK_ORIGIN = System.nanoTime();

    private static volatile BaseEventLoop[] running = new BaseEventLoop[0];
    private static final ThreadLocal<BaseEventLoop> RUNNING_HERE = new ThreadLocal<>();

    // ---- state touched only by the loop thread (or any one thread while not running) ----
    final ReadyQueue ready = new ReadyQueue();
    /** Eager task starts: run right after the current step, outside the iteration's count. */
    private final ReadyQueue runNext = new ReadyQueue();
    private final TimerQueue timers = new TimerQueue();
    private int cancelledTimers;
    private long timerSeq;
    /** The task whose step is running, or null. */
    Task<?> current;
    /** The context of the callback that is running, or null. */
    Context handleContext;
    /** Numbers unnamed tasks (Task-N), per loop: no atomic increment per task. */
    long taskCounter;
    private int eagerRoute;
    private Task<?> eagerChild;
    /** Tasks that have not suspended yet (not started, or running their first step). */
    private Task<?> liveHead;
    /** Suspended tasks and failed futures, weakly. */
    private final LoopRef registry = new LoopRef();
    private final ReferenceQueue<Future<?>> refQueue = new ReferenceQueue<>();
    private TaskFactory taskFactory = TaskFactory.DEFAULT;
    private ExceptionHandler exceptionHandler;
    private ExecutorService defaultExecutor;
    private boolean executorShutdownCalled;
    /** Hooks run by Runner/run() at shutdown, e.g. async generators (sync issue). */
    final List<Runnable> shutdownHooks = new ArrayList<>();
    /** Hooks run by close(): release what the loop owns outside its selector (subprocesses, issue 5). */
    final List<Runnable> closeHooks = new ArrayList<>();

    // ---- state shared with other threads ----
    final Inbox inbox = new Inbox();
    volatile Thread owner;
    private volatile boolean stopping;
    private volatile boolean closed;
    volatile boolean debug;
    private volatile long slowCallbackNanos = 100_000_000L;
    /** Set from the signal thread by a runner's second Ctrl-C. */
    private volatile boolean keyboardInterrupt;
    /**
     * A KeyboardInterrupt raised by a callback or a task's step: asyncio lets it leave
     * run_once at once, so the iteration stops and runForever() raises it. Loop thread only.
     */
    private Throwable baseError;
    private Throwable lastBaseError;
    private final java.util.Map<Signal, SignalHandlerEntry> signalHandlers = new java.util.EnumMap<>(Signal.class);
    private static final java.util.Map<Signal, BaseEventLoop> SIGNAL_OWNERS = new java.util.EnumMap<>(Signal.class);

    private record SignalHandlerEntry(Runnable callback, Context context,
            java.util.function.Consumer<Signal> listener) {}

    BaseEventLoop() {
        LoomSupport.check();
        this.debug = Debug.defaultDebug();
        LoopFaults.preload(this);
    }

    // =====================================================================================
    // The running-loop registry
    // =====================================================================================

    static BaseEventLoop[] runningLoops() {
        return running;
    }

    static BaseEventLoop runningOnThisThread() {
        return RUNNING_HERE.get();
    }

    /** The loop running the calling task or callback, or null. */
    static BaseEventLoop runningLoop() {
        Task<?> t = Task.current();
        if (t != null) {
            return t.loop;
        }
        return Thread.currentThread().isVirtual() ? null : RUNNING_HERE.get();
    }

    private static synchronized void addRunning(BaseEventLoop loop) {
        BaseEventLoop[] a = Arrays.copyOf(running, running.length + 1);
        a[a.length - 1] = loop;
        running = a;
    }

    private static synchronized void removeRunning(BaseEventLoop loop) {
        List<BaseEventLoop> l = new ArrayList<>(Arrays.asList(running));
        l.remove(loop);
        running = l.toArray(new BaseEventLoop[0]);
    }

    // =====================================================================================
    // The I/O mechanism (SelectorEventLoop)
    // =====================================================================================

    /** Nanoseconds on the loop's clock. */
    abstract long nanoTime();

    /**
     * Waits for I/O at most {@code timeoutNanos} (0: do not wait, negative: until woken)
     * and queues the handlers of ready channels. Must return early when {@link #wakeup()}
     * is called or the inbox is not empty.
     */
    abstract void poll(long timeoutNanos);

    /** Wakes a {@link #poll} in progress, or makes the next one return at once. Thread-safe. */
    abstract void wakeup();

    /** Queues the handlers of the I/O events the last poll found, as one ready item. */
    abstract void queueIoEvents();

    /** Releases the I/O mechanism; called once by close(). */
    abstract void closeIo();

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
        RUNNING_HERE.set(this);
        addRunning(this);
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
                if (keyboardInterrupt) {
                    keyboardInterrupt = false;
                    throw new KeyboardInterrupt();
                }
                if (stopping) {
                    break;
                }
            }
        } finally {
            stopping = false;
            owner = null;
            RUNNING_HERE.remove();
            removeRunning(this);
        }
    }

    private void checkNotRunning() {
        if (owner != null) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (runningLoop() != null) {
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
        // asyncio issue 22429: a KeyboardInterrupt already left runForever(); stopping again
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
        stopping = true;
        if (owner != null && !onLoopThread()) {
            wakeup();
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
        for (Signal sig : new ArrayList<>(signalHandlers.keySet())) {
            removeSignalHandler(sig);
        }
        closed = true;
        runCloseHooks();
        ready.clear();
        runNext.clear();
        timers.clear();
        inbox.clear();
        ExecutorService ex = defaultExecutor;
        defaultExecutor = null;
        if (ex != null) {
            ex.shutdown();
        }
        pollReferences();
        reportUnretrieved();
        closeIo();
    }

    /** One iteration: CPython's {@code _run_once}. */
    final void runOnce() {
        TimerQueue timers = this.timers;
        if (timers.size() > MIN_SCHEDULED_TIMERS && cancelledTimers * 2 > timers.size()) {
            timers.compact();
            cancelledTimers = 0;
        } else {
            while (!timers.isEmpty() && timers.peek().cancelled()) {
                timers.poll().scheduled = false;
                cancelledTimers = Math.max(0, cancelledTimers - 1);
            }
        }

        long timeout;
        if (!ready.isEmpty() || stopping || !inbox.isEmpty()) {
            timeout = 0;
        } else if (!timers.isEmpty()) {
            timeout = Math.max(0, timers.peek().deadline - nanoTime());
        } else {
            timeout = -1;
        }
        try {
            poll(timeout);
        } catch (Error e) {
            // Out of memory while polling: what is ready still runs, and may free what is held.
            LoopFaults.escaped(this, e);
        }
        // What other threads queued precedes the I/O events and the timers falling due now, as
        // in asyncio where call_soon_threadsafe appends to the ready deque at once.
        inbox.drainTo(ready);
        queueIoEvents();

        if (!timers.isEmpty()) {
            long end = nanoTime();
            TimerHandle h;
            while ((h = timers.peek()) != null && h.deadline <= end) {
                timers.poll();
                h.scheduled = false;
                if (h.cancelled()) {
                    cancelledTimers = Math.max(0, cancelledTimers - 1);
                } else {
                    ready.addLast(h);
                }
            }
        }
        pollReferences();

        // Run exactly the items ready now; items queued meanwhile wait for the next iteration.
        ReadyQueue ready = this.ready;
        ReadyItem end = ready.tail();
        if (end == null) {
            return;
        }
        boolean timed = debug;
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
    }

    private void drainRunNext() {
        ReadyItem o;
        while ((o = runNext.poll()) != null) {
            if (debug) {
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
            String what;
            if (o instanceof Task<?> t) {
                StackTraceElement[] st = t.getStack();
                what = "step of " + t + (st.length > 0 ? "; it is now suspended at:" + Debug.formatStack(st, 12) : "");
            } else {
                what = o.toString();
            }
            Debug.LOG.log(Level.WARNING, String.format("Executing %s took %.3f seconds", what, dt / 1e9));
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
        } else {
            inbox.push(h);
            wakeup();
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
        return callAtNanos(saturatedAdd(nanoTime(), nanos(delay)), callback, null);
    }

    @Override
    public TimerHandle callLater(double delay, Runnable callback, Context context) {
        checkSeconds(delay, "delay");
        return callAtNanos(saturatedAdd(nanoTime(), secondsToNanos(delay)), callback, context);
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
        return callAtNanos(secondsToNanos(when), callback, context);
    }

    final TimerHandle callAtNanos(long deadline, Runnable callback, Context context) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("callAt()");
        TimerHandle h = new TimerHandle(this, deadline, timerSeq++, callback,
                context != null ? context : Context.current().copy());
        h.scheduled = true;
        timers.add(h);
        return h;
    }

    /** Schedules an internal timer that captures no context. */
    final TimerHandle callLaterInternal(long delayNanos, Runnable callback) {
        checkClosed();
        TimerHandle h = new TimerHandle(this, saturatedAdd(nanoTime(), delayNanos), timerSeq++, callback, null);
        h.scheduled = true;
        timers.add(h);
        return h;
    }

    final void timerCancelled(TimerHandle h) {
        if (h.scheduled && onLoopThreadOrIdle()) {
            cancelledTimers++;
        }
    }

    private boolean onLoopThreadOrIdle() {
        return owner == null || onLoopThread();
    }

    /** Rejects NaN; a negative or zero delay means "now", as in asyncio. */
    static void checkSeconds(double seconds, String what) {
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException(what + " must be a number of seconds, got NaN");
        }
    }

    static long secondsToNanos(double seconds) {
        if (seconds >= 9.2e9) {
            return Long.MAX_VALUE / 2;
        }
        if (seconds <= -9.2e9) {
            return -Long.MAX_VALUE / 2;
        }
        return Math.round(seconds * 1e9);
    }

    static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? -Long.MAX_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return b > 0 ? Long.MAX_VALUE / 2 : -Long.MAX_VALUE / 2;
        }
        return Math.min(r, Long.MAX_VALUE / 2);
    }

    // =====================================================================================
    // Futures and tasks
    // =====================================================================================

    @Override
    public <T> Future<T> createFuture() {
        return new Future<>(this);
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null, null);
    }

    @Override
    public Task<Void> createTask(VoidCoroutine coro) {
        return createTask(Coroutine.of(coro), null, null);
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        Objects.requireNonNull(coro, "coro");
        checkClosed();
        checkThread("createTask()");
        Task<T> t = taskFactory.createTask(this, coro, name, context);
        if (t == null || t.loop != this) {
            throw new IllegalStateException("task factory " + taskFactory + " returned " + t
                    + " instead of a task of this loop");
        }
        if (name != null) {
            t.setName(name); // as asyncio 3.13, even when the factory ignored the name
        }
        return t;
    }

    @Override
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context, boolean eagerStart) {
        Objects.requireNonNull(coro, "coro");
        checkClosed();
        checkThread("createTask()");
        Task<T> t = new Task<>(this, coro, name, context);
        t.start(eagerStart && owner != null);
        return t;
    }

    @Override
    public void setTaskFactory(TaskFactory factory) {
        checkThread("setTaskFactory()");
        this.taskFactory = factory == null ? TaskFactory.DEFAULT : factory;
    }

    @Override
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

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
                runNext.addFirst(task);
                if (eagerChild != null) {
                    runNext.addFirst(eagerChild);
                    eagerChild = null;
                }
            } else {
                ready.addLast(task);
            }
        } else if (!closed) {
            inbox.push(task);
            wakeup();
        }
    }

    /**
     * Queues a new task's first step, FIFO with callSoon: like callSoon, it goes straight to
     * the ready queue when called by the loop or while the loop is not running.
     */
    final void scheduleNew(Task<?> task) {
        if (owner == null) {
            inbox.push(task);
        } else if (onLoopThread()) {
            ready.addLast(task);
        } else {
            inbox.push(task);
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
                    runNext.addFirst(eagerChild);
                    eagerChild = null;
                }
            }
        } else {
            scheduleTask(task);
        }
    }

    // =====================================================================================
    // The task registry: all_tasks, "destroyed but pending", "never retrieved"
    // =====================================================================================

    final void linkLive(Task<?> task) {
        Task<?> h = liveHead;
        task.nextLive = h;
        if (h != null) {
            h.prevLive = task;
        }
        liveHead = task;
    }

    private void unlinkLive(Task<?> task) {
        Task<?> p = task.prevLive;
        Task<?> n = task.nextLive;
        if (p != null) {
            p.nextLive = n;
        } else if (liveHead == task) {
            liveHead = n;
        }
        if (n != null) {
            n.prevLive = p;
        }
        task.prevLive = null;
        task.nextLive = null;
    }

    /** A task suspended for the first time: hold it weakly from now on. */
    final void registerSuspended(Task<?> task) {
        LoopRef r = new LoopRef(task, refQueue); // first: out of memory, the task stays held strongly
        unlinkLive(task);
        r.pendingTask = true;
        task.describe(r);
        r.linkAfter(registry);
        task.ref = r;
    }

    final void taskFinished(Task<?> task) {
        LoopRef r = task.ref;
        if (r == null) {
            unlinkLive(task);
            return;
        }
        r.pendingTask = false;
        if (r.unretrieved == null) {
            r.unlink();
            r.clear();
            task.ref = null;
        } else {
            r.description = task.toString();
            r.sourceTraceback = task.sourceTraceback;
            r.contextEntries = task.contextEntries();
        }
    }

    final LoopRef trackUnretrieved(Future<?> f, Throwable e) {
        if (f instanceof Task<?> t) {
            LoopRef r = t.ref;
            if (r != null) {
                r.unretrieved = e;
                return r;
            }
            // a task that failed without ever suspending: it finishes right after this
            unlinkLive(t);
            r = new LoopRef(t, refQueue);
            t.describe(r);
            t.ref = r;
            r.unretrieved = e;
            r.linkAfter(registry);
            return r;
        }
        LoopRef r = new LoopRef(f, refQueue);
        r.unretrieved = e;
        r.description = f.toString();
        r.sourceTraceback = f.sourceTraceback;
        r.linkAfter(registry);
        return r;
    }

    final void forget(LoopRef r) {
        r.unretrieved = null;
        if (!r.pendingTask) {
            r.unlink();
            r.clear();
        }
    }

    private void pollReferences() {
        LoopRef r;
        while ((r = (LoopRef) refQueue.poll()) != null) {
            if (!r.linked()) {
                continue;
            }
            r.unlink();
            if (r.pendingTask) {
                callExceptionHandler(ExceptionContext.builder("Task was destroyed but it is pending!")
                        .put("task", r.describePendingTask()).sourceTraceback(r.sourceTraceback).build());
            } else if (r.unretrieved != null) {
                boolean task = r.description != null && r.description.startsWith("<Task");
                callExceptionHandlerIn(r.contextEntries, ExceptionContext.builder((task ? "Task" : "Future")
                        + " exception was never retrieved").exception(r.unretrieved)
                        .put(task ? "task" : "future", r.description).sourceTraceback(r.sourceTraceback).build());
            }
        }
    }

    /**
     * At close, every exception still never retrieved is reported, as asyncio reports it when
     * the future is collected: a short program must not end with its errors unseen, whether or
     * not the garbage collector ran.
     */
    private void reportUnretrieved() {
        for (LoopRef r = registry.next; r != registry; ) {
            LoopRef next = r.next;
            Throwable e = r.unretrieved;
            Future<?> f = r.get();
            if (e != null && f != null) {
                f.unretrieved = null;
                r.unretrieved = null;
                r.unlink();
                boolean task = f instanceof Task<?>;
                callExceptionHandlerIn(task ? ((Task<?>) f).contextEntries() : null, ExceptionContext.builder(
                        (task ? "Task" : "Future") + " exception was never retrieved").exception(e)
                        .put(task ? "task" : "future", f.toString()).future(f).sourceTraceback(f.sourceTraceback).build());
            }
            r = next;
        }
    }

    /** Calls the exception handler in a task's context, as asyncio's Task.__del__ does. */
    private void callExceptionHandlerIn(Object[] contextEntries, ExceptionContext context) {
        if (contextEntries == null) {
            callExceptionHandler(context);
            return;
        }
        Context previous = handleContext;
        handleContext = new Context(contextEntries);
        try {
            callExceptionHandler(context);
        } finally {
            handleContext = previous;
        }
    }

    /** Live tasks of this loop; asyncio's all_tasks(loop). */
    final Set<Task<?>> allTasks() {
        Set<Task<?>> s = new LinkedHashSet<>();
        for (LoopRef r = registry.prev; r != registry; r = r.prev) {
            if (r.get() instanceof Task<?> t && !t.done() && !t.hidden) {
                s.add(t);
            }
        }
        List<Task<?>> fresh = new ArrayList<>();
        for (Task<?> t = liveHead; t != null; t = t.nextLive) {
            if (!t.done() && !t.hidden) {
                fresh.add(t);
            }
        }
        for (int i = fresh.size() - 1; i >= 0; i--) {
            s.add(fresh.get(i));
        }
        return s;
    }

    // =====================================================================================
    // Executors
    // =====================================================================================

    @Override
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        checkClosed();
        checkThread("runInExecutor()");
        Executor ex = executor;
        if (ex == null) {
            if (executorShutdownCalled) {
                throw new IllegalStateException("Executor shutdown has been called");
            }
            ex = defaultExecutor();
        }
        CompletableFuture<T> cf = CompletableFuture.supplyAsync(() -> {
            try {
                return fn.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, ex);
        return Bridges.wrap(this, cf);
    }

    final ExecutorService defaultExecutor() {
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            int workers = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor tpe = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = Thread.ofPlatform().daemon().name("jasyncio-executor-" + n.incrementAndGet())
                                .unstarted(r);
                        return t;
                    });
            tpe.allowCoreThreadTimeOut(true);
            defaultExecutor = ex = tpe;
        }
        return ex;
    }

    @Override
    public void setDefaultExecutor(ExecutorService executor) {
        this.defaultExecutor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public void shutdownDefaultExecutor() {
        shutdownDefaultExecutor(Double.POSITIVE_INFINITY);
    }

    @Override
    public void shutdownDefaultExecutor(double timeout) {
        if (Double.isNaN(timeout) || timeout < 0) {
            throw new IllegalArgumentException("timeout must be >= 0 seconds, got " + timeout);
        }
        Task<?> task = Task.current();
        if (task == null || task.loop != this) {
            throw Task.outsideTask("shutdownDefaultExecutor()");
        }
        executorShutdownCalled = true;
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            return;
        }
        Future<Void> done = createFuture();
        Thread joiner = Thread.ofPlatform().daemon().name("jasyncio-executor-shutdown").start(() -> {
            ex.shutdown();
            try {
                while (!ex.awaitTermination(1, TimeUnit.DAYS)) {
                    // keep waiting
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                callSoonThreadsafe(() -> done.trySetResult(null));
            } catch (IllegalStateException loopClosed) {
                // nobody waits any more
            }
        });
        try {
            Asyncio.waitFor(done, timeout);
        } catch (TimeoutError e) {
            Debug.LOG.log(Level.WARNING, "The executor did not finish joining its threads within "
                    + timeout + " seconds.");
            ex.shutdown();
            joiner.interrupt();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** For Runner: whether the default executor still needs a shutdown. */
    final boolean hasDefaultExecutor() {
        return defaultExecutor != null && !executorShutdownCalled;
    }

    // =====================================================================================
    // Signals
    // =====================================================================================

    @Override
    public void addSignalHandler(Signal sig, Runnable callback) {
        Objects.requireNonNull(sig, "sig");
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        checkThread("addSignalHandler()");
        java.util.function.Consumer<Signal> listener = s -> {
            try {
                callSoonThreadsafe(() -> handleSignal(s), null);
            } catch (IllegalStateException closedMeanwhile) {
                // the loop closed: nothing to run the handler on
            }
        };
        synchronized (SIGNAL_OWNERS) {
            BaseEventLoop other = SIGNAL_OWNERS.get(sig);
            if (other != null && other != this) {
                throw new IllegalStateException(sig + " is already handled by another event loop: " + other);
            }
            try {
                org.jasyncio.internal.SignalSupport.install(sig, listener);
            } catch (IllegalArgumentException e) {
                // asyncio raises RuntimeError("sig N cannot be caught") here, not ValueError: the
                // signal is valid, the OS or the JVM just keeps it (D1: RuntimeError)
                throw new IllegalStateException(sig + " cannot be caught: " + e.getMessage(), e);
            }
            SIGNAL_OWNERS.put(sig, this);
        }
        signalHandlers.put(sig, new SignalHandlerEntry(callback, Context.current().copy(), listener));
    }

    private void handleSignal(Signal sig) {
        SignalHandlerEntry e = signalHandlers.get(sig);
        if (e != null) {
            new Handle(this, e.callback(), e.context()).run();
        }
    }

    @Override
    public boolean removeSignalHandler(Signal sig) {
        Objects.requireNonNull(sig, "sig");
        checkThread("removeSignalHandler()");
        SignalHandlerEntry e = signalHandlers.remove(sig);
        if (e == null) {
            return false;
        }
        synchronized (SIGNAL_OWNERS) {
            org.jasyncio.internal.SignalSupport.uninstall(sig, e.listener());
            SIGNAL_OWNERS.remove(sig, this);
        }
        return true;
    }

    /** Thread-safe: makes runForever raise KeyboardInterrupt after the current iteration. */
    /**
     * Makes a KeyboardInterrupt raised on the loop (by a callback or a task) leave
     * runForever() after the current item, as asyncio re-raises it out of run_once.
     *
     * @return true if {@code t} is such an error (the caller then does not report it)
     */
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

    final void interruptWithKeyboardInterrupt() {
        keyboardInterrupt = true;
        wakeup();
    }

    // =====================================================================================
    // Subprocesses (issue 5): org.jasyncio.internal.subprocess
    // =====================================================================================

    @Override
    public <P extends org.jasyncio.transports.SubprocessProtocol> org.jasyncio.transports.SubprocessConnection<P>
            subprocessExec(java.util.function.Supplier<? extends P> protocolFactory, List<String> command)
            throws java.io.IOException {
        return subprocessExec(protocolFactory, command, org.jasyncio.subprocess.SubprocessOptions.pipes());
    }

    @Override
    public <P extends org.jasyncio.transports.SubprocessProtocol> org.jasyncio.transports.SubprocessConnection<P>
            subprocessExec(java.util.function.Supplier<? extends P> protocolFactory, List<String> command,
                    org.jasyncio.subprocess.SubprocessOptions options) throws java.io.IOException {
        requireTaskOfThisLoop("subprocessExec()");
        return org.jasyncio.internal.subprocess.Spawner.exec(this, protocolFactory, command, options);
    }

    @Override
    public <P extends org.jasyncio.transports.SubprocessProtocol> org.jasyncio.transports.SubprocessConnection<P>
            subprocessShell(java.util.function.Supplier<? extends P> protocolFactory, String cmd)
            throws java.io.IOException {
        return subprocessShell(protocolFactory, cmd, org.jasyncio.subprocess.SubprocessOptions.pipes());
    }

    @Override
    public <P extends org.jasyncio.transports.SubprocessProtocol> org.jasyncio.transports.SubprocessConnection<P>
            subprocessShell(java.util.function.Supplier<? extends P> protocolFactory, String cmd,
                    org.jasyncio.subprocess.SubprocessOptions options) throws java.io.IOException {
        requireTaskOfThisLoop("subprocessShell()");
        return org.jasyncio.internal.subprocess.Spawner.shell(this, protocolFactory, cmd, options);
    }

    private void requireTaskOfThisLoop(String what) {
        Task<?> t = Task.current();
        if (t == null) {
            throw Task.outsideTask(what);
        }
        if (t.loop != this) {
            throw new IllegalStateException(what + " was called from a task of another event loop");
        }
    }

    /** Runs the close hooks once, on the closing thread; a failing hook is logged, the others still run. */
    private void runCloseHooks() {
        List<Runnable> hooks = new ArrayList<>(closeHooks);
        closeHooks.clear();
        for (Runnable hook : hooks) {
            try {
                hook.run();
            } catch (Throwable t) {
                Debug.LOG.log(Level.WARNING, "error releasing " + hook + " at loop close", t);
            }
        }
    }

    // =====================================================================================
    // Debug and errors
    // =====================================================================================

    @Override
    public void setDebug(boolean enabled) {
        this.debug = enabled;
    }

    @Override
    public boolean getDebug() {
        return debug;
    }

    @Override
    public double getSlowCallbackDuration() {
        return slowCallbackNanos / 1e9;
    }

    @Override
    public void setSlowCallbackDuration(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0) {
            throw new IllegalArgumentException("slow callback duration must be a number of seconds >= 0, got " + seconds);
        }
        this.slowCallbackNanos = secondsToNanos(seconds);
    }

    @Override
    public void setExceptionHandler(ExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    @Override
    public void callExceptionHandler(ExceptionContext context) {
        Objects.requireNonNull(context, "context");
        ExceptionHandler h = exceptionHandler;
        if (h == null) {
            try {
                defaultExceptionHandler(context);
            } catch (Throwable t) {
                try {
                    Debug.LOG.log(Level.ERROR, "Exception in default exception handler", t);
                } catch (Throwable t2) {
                    Faults.unreported(context.exception(), t2);
                }
            }
            return;
        }
        try {
            h.handle(this, context);
        } catch (Throwable t) {
            try {
                defaultExceptionHandler(ExceptionContext.builder("Unhandled error in exception handler")
                        .exception(t).put("context", context.asMap()).build());
            } catch (Throwable t2) {
                try {
                    Debug.LOG.log(Level.ERROR, "Exception in default exception handler while handling an "
                            + "unexpected error in custom exception handler", t2);
                } catch (Throwable t3) {
                    Faults.unreported(context.exception() != null ? context.exception() : t, t3);
                }
            }
        }
    }

    @Override
    public void defaultExceptionHandler(ExceptionContext context) {
        StringBuilder sb = new StringBuilder(context.message());
        for (Map.Entry<String, Object> e : context.asMap().entrySet()) {
            String k = e.getKey();
            if (k.equals("message") || k.equals("exception")) {
                continue;
            }
            Object v = e.getValue();
            if (v instanceof StackTraceElement[] st) {
                sb.append("\nObject created at (most recent call first):").append(Debug.formatStack(st, 20));
            } else {
                sb.append('\n').append(k).append(": ").append(v);
            }
        }
        Throwable ex = context.exception();
        if (ex != null) {
            Debug.LOG.log(Level.ERROR, sb.toString(), ex);
        } else {
            Debug.LOG.log(Level.ERROR, sb.toString());
        }
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " running=" + isRunning() + " closed=" + closed + " debug=" + debug
                + ">";
    }
}
