package org.jasyncio.internal.diag;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/** Turns {@link Jfr#on} on while at least one recording runs. Loaded only when jdk.jfr is present. */
final class RecordingWatcher implements FlightRecorderListener {
    private final Set<Recording> running = Collections.newSetFromMap(new IdentityHashMap<>());

    static void install() {
        RecordingWatcher w = new RecordingWatcher();
        FlightRecorder.addListener(w); // calls recorderInitialized at once if JFR already runs
    }

    @Override
    public synchronized void recorderInitialized(FlightRecorder recorder) {
        for (Recording r : recorder.getRecordings()) {
            if (r.getState() == RecordingState.RUNNING) {
                running.add(r);
            }
        }
        Jfr.on = !running.isEmpty();
    }

    @Override
    public synchronized void recordingStateChanged(Recording recording) {
        if (recording.getState() == RecordingState.RUNNING) {
            running.add(recording);
        } else {
            running.remove(recording);
        }
        Jfr.on = !running.isEmpty();
    }
}
