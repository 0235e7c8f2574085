package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import org.kohsuke.stapler.QueryParameter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What rpmPrune, rpmYank and rpmUnyank share (as the CLI's LifecycleOptions): the published destination ({@code to:},
 * s3://BUCKET[/prefix] or file:DIR), its layout, the key that signs the rewritten repository metadata, and the run.
 * They change the store only (no workspace), so they run on the controller, where the key is, with the AWS settings
 * of the step's environment (withAWS); a file: destination must lie under a directory an administrator allowed on the
 * controller (system property {@value #FILE_ROOTS}). rpm-core's Lifecycle decides everything else.
 */
public abstract class LifecycleStep extends LayoutStep {
    /** System property listing the directories (colon-separated) file: destinations on the controller may be under. */
    static final String FILE_ROOTS = "io.avalanche.rpm.jenkins.fileDestinations";

    private final String to;

    protected LifecycleStep(String to) {
        this.to = Util.fixEmptyAndTrim(to);
    }

    public String getTo() {
        return to;
    }

    /** True when the step changes the store; false: rpm-core plans and changes nothing. */
    abstract boolean applies();

    /** Runs the operation through rpm-core. */
    abstract RpmCorePublish.Outcome operate(RpmCorePublish.Target target, Consumer<String> log);

    /** The first line of the step's log: what it does (or plans) where. */
    abstract String headline(String destination);

    /** rpm-core's canonical destination, refused before any work when missing, malformed or not allowed here. */
    @Override
    String destination() throws AbortException {
        if (to == null) {
            throw new AbortException(Messages.LifecycleStep_ToRequired(function()));
        }
        String url = core(() -> RpmCorePublish.checkDestination(to));
        Path dir = core(() -> RpmCorePublish.fileDirectory(to));
        checkLayout();
        if (dir != null && !allowedFileDirectory(dir)) {
            throw new AbortException(Messages.LifecycleStep_FileNotAllowed(function(), dir, FILE_ROOTS));
        }
        return url;
    }

    /**
     * True when {@code dir} is one of the administrator's directories or inside one, compared as real paths where
     * they exist (a link inside an allowed directory that leads out of it is not inside it).
     */
    static boolean allowedFileDirectory(Path dir) {
        Path wanted = real(dir);
        for (String root : System.getProperty(FILE_ROOTS, "").split(":")) {
            if (!root.isBlank() && wanted.startsWith(real(Path.of(root.trim())))) {
                return true;
            }
        }
        return false;
    }

    /** The real path of the longest existing ancestor of {@code p}, with the rest of {@code p} appended. */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }

    /** Describes a lifecycle step: runs on the controller, needs no node; the destination check. */
    public abstract static class LifecycleDescriptor extends RpmDescriptor {
        LifecycleDescriptor(String function, Supplier<String> displayName) {
            super(function, displayName, true, TaskListener.class, EnvVars.class, Run.class);
        }

        public FormValidation doCheckTo(@QueryParameter String value) {
            return Forms.required(value, Messages.LifecycleStep_ToRequired(getFunctionName()),
                    () -> RpmCorePublish.checkDestination(value.trim()));
        }
    }

    /**
     * Unlocks the key (only to apply), lets rpm-core plan or apply the operation with a signer that records every
     * repository index it signs in the build, logs rpm-core's lines and returns its toMap() vocabulary unchanged.
     */
    @Override
    Map<String, Object> run(StepRun ctx, FilePath workspace, TaskListener listener) throws Exception {
        Run<?, ?> run = ctx.build();
        String destination = destination();
        Consumer<String> log = listener.getLogger()::println;
        log.accept(headline(destination));
        RpmCoreKeys.Key key = null;
        RpmSignaturesAction.Made made = new RpmSignaturesAction.Made(run);
        try {
            if (applies()) {
                key = unlockFor(run, listener, destination, Messages.LifecycleStep_NoKey(function()));
            }
            RpmCorePublish.Target target = new RpmCorePublish.Target(destination, ctx.aws(), getLayout(),
                    signer(key, destination, made), applies(), function());
            RpmCorePublish.Outcome outcome = core(() -> operate(target, log));
            outcome.lines().forEach(log);
            return outcome.result();
        } finally {
            if (key != null) {
                key.close();
            }
            made.record(listener);   // also what was signed before a failure
        }
    }

    /**
     * Signs what rpm-core's Lifecycle hands over here on the controller (each rewritten repomd.xml, and the probe
     * that checks the key against the published key file) and keeps a record of every signature.
     */
    private static UnaryOperator<byte[]> signer(RpmCoreKeys.Key key, String destination,
                                                RpmSignaturesAction.Made made) {
        if (key == null) {
            return null;
        }
        return data -> {
            byte[] signature = key.signForLifecycle(data);
            boolean index = RpmCoreKeys.isRepositoryIndex(data);
            made.add(index ? "repomd" : "key-check", index
                    ? RpmCorePublish.repomdPath("") + " of " + destination
                    : "rpm-core's probe of the key against the published key file of " + destination,
                    destination, RpmCore.sha256(data), key);
            return signature;
        };
    }

    /** Splits a comma- or space-separated list (channels); empty or null: none. */
    static List<String> list(String text) {
        List<String> r = new ArrayList<>();
        if (text != null) {
            for (String s : text.trim().split("[,\\s]+")) {
                if (!s.isEmpty()) {
                    r.add(s);
                }
            }
        }
        return r;
    }
}
