package io.avalanche.rpm.validate;

import io.avalanche.rpm.ProcessRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One command of a validation in an install target: an id, what to do, and the ids of earlier steps that must
 * have passed (exit 0) for it to run. A target runs a whole list at once ({@link InstallTarget#run}).
 */
public record Step(String id, Action action, List<String> needs) {
    public Step {
        needs = List.copyOf(needs);
    }

    public Step(String id, Action action, String... needs) {
        this(id, action, List.of(needs));
    }

    /** Refuses a list whose ids repeat or where a step needs one that is not before it (a programming error). */
    public static void checkOrder(List<Step> steps) {
        java.util.Set<String> before = new java.util.HashSet<>();
        for (Step s : steps) {
            for (String n : s.needs()) {
                if (!before.contains(n)) {
                    throw new IllegalArgumentException("step '" + s.id() + "' needs '" + n
                            + "', which is not before it");
                }
            }
            if (!before.add(s.id())) {
                throw new IllegalArgumentException("step id '" + s.id() + "' is used twice");
            }
        }
    }

    /** What a step does inside the target. */
    public sealed interface Action permits ImportKey, CheckSignature, Install, Run, IsExecutable {
    }

    /** {@code rpm --import} of the published key. */
    public record ImportKey(Path key) implements Action {
    }

    /** {@code rpm -K} of the packages with the imported key, in one run (a line per package). */
    public record CheckSignature(List<Path> rpms) implements Action {
        public CheckSignature {
            rpms = List.copyOf(rpms);
        }
    }

    /** {@code rpm -ivh --define '_pkgverify_level signature'} of all packages at once. */
    public record Install(List<Path> rpms) implements Action {
        public Install {
            rpms = List.copyOf(rpms);
        }
    }

    /** Runs an installed program (absolute path inside the target) with arguments. */
    public record Run(String path, List<String> args) implements Action {
        public Run {
            args = List.copyOf(args);
        }
    }

    /** Exit 0 when the path exists inside the target and is an executable regular file. */
    public record IsExecutable(String path) implements Action {
    }

    /** What each step that ran printed, and how long it took; steps that did not run are absent. */
    public static final class Results {
        private final Map<String, ProcessRunner.Result> results = new LinkedHashMap<>();
        private final Map<String, Duration> times = new LinkedHashMap<>();

        /** Records a step's result and time. */
        public void put(String id, ProcessRunner.Result result, Duration time) {
            results.put(id, result);
            times.put(id, time);
        }

        /** The step's result, null when it did not run. */
        public ProcessRunner.Result get(String id) {
            return results.get(id);
        }

        /** True when the step ran and exited 0. */
        public boolean passed(String id) {
            ProcessRunner.Result r = results.get(id);
            return r != null && r.ok();
        }

        /** The time the given steps took together (those that did not run count zero). */
        public Duration time(String... ids) {
            Duration d = Duration.ZERO;
            for (String id : ids) {
                d = d.plus(times.getOrDefault(id, Duration.ZERO));
            }
            return d;
        }

        /** True when every step of {@code needs} passed. */
        public boolean allPassed(List<String> needs) {
            return needs.stream().allMatch(this::passed);
        }
    }
}
