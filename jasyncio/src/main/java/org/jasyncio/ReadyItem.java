package org.jasyncio;

/**
 * Something the loop's ready queue holds: a callback ({@link Handle}) or a task's next
 * step ({@link Task}). The queue is intrusive: each item links to the next, so queueing
 * writes into young objects only, never into a large array (which the garbage collector
 * would have to track card by card).
 */
abstract class ReadyItem {
    /**
     * The next item in the ready queue, {@link ReadyQueue#END} for the last one, null when
     * not queued: one field tells both, so each item (every task's step) is a word smaller.
     */
    ReadyItem nextReady;

    /** Runs the item on the loop thread. */
    abstract void runReady();
}
