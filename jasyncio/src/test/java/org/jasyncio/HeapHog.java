package org.jasyncio;

import java.util.ArrayList;
import java.util.List;

/**
 * The program {@link TaskOutOfMemoryTest} runs in a forked JVM with a small heap: a task fills
 * the heap to the last bytes and fails with {@link OutOfMemoryError}, so that completing it (the
 * loop's record of its unretrieved failure, the wake-up of its waiters) runs out of memory once
 * more. A done-callback registered beforehand lets the memory go; the waiters must then be woken
 * with the task's failure and the program must end normally, printing {@code SURVIVED}.
 */
public final class HeapHog {
    /** What the task holds: a chain of arrays, so that holding more needs no growing array. */
    static volatile Object[] hog;

    private HeapHog() {}

    /**
     * Runs the scenario.
     *
     * @param args none
     * @throws Exception if the loop fails
     */
    public static void main(String[] args) throws Exception {
        String result = Asyncio.run(() -> {
            Task<Void> hogger = Asyncio.createTask(() -> {
                Asyncio.sleep(0); // suspended once: the loop holds it weakly, as most tasks
                OutOfMemoryError last = null;
                for (int size : new int[] {1 << 20, 1 << 16, 1 << 12, 1 << 8, 16, 0}) {
                    try {
                        while (true) {
                            hog = size == 0 ? new Object[] {hog} : new Object[] {hog, new byte[size]};
                        }
                    } catch (OutOfMemoryError e) {
                        last = e; // go on with smaller pieces, down to the last few bytes
                    }
                }
                throw last;
            });
            hogger.addDoneCallback(f -> hog = null);
            List<Task<String>> waiters = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                waiters.add(Asyncio.createTask(() -> {
                    try {
                        hogger.await();
                        return "not failed";
                    } catch (OutOfMemoryError e) {
                        return "woken";
                    }
                }));
            }
            StringBuilder sb = new StringBuilder();
            for (Task<String> w : waiters) {
                sb.append(w.await()).append(' ');
            }
            return sb.toString().strip();
        });
        System.out.println("SURVIVED " + result);
    }
}
