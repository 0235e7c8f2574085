package io.avalanche.rpm.validate;

import java.time.Duration;
import java.util.Map;

/**
 * When each step's result line of a container run arrived: a step's time runs from the previous step's result, the
 * first one's from the start of the run (so it includes the container's start) or from a gate's opening.
 */
final class StepClock implements java.util.function.Consumer<String> {
    private final Map<Integer, Long> arrived = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long start;

    StepClock(long start) {
        this.start = start;
    }

    /** The first step's time runs from now. */
    void restart() {
        start = System.nanoTime();
    }

    @Override
    public void accept(String line) {
        if (line.startsWith(ContainerScript.STEP)) {
            String[] f = line.substring(ContainerScript.STEP.length()).split(" ");
            if (f[0].matches("\\d{1,4}")) {
                arrived.putIfAbsent(Integer.parseInt(f[0]), System.nanoTime());
            }
        }
    }

    /** From the arrival of the latest earlier result (or the start) to this step's result. */
    Duration time(int step) {
        Long end = arrived.get(step);
        if (end == null) {
            return Duration.ZERO;
        }
        long from = start;
        for (int i = step - 1; i >= 0; i--) {
            if (arrived.containsKey(i)) {
                from = arrived.get(i);
                break;
            }
        }
        return Duration.ofNanos(end - from);
    }
}
