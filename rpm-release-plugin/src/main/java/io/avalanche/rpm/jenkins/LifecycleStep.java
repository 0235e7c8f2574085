package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What rpmPrune, rpmYank and rpmUnyank share: the published destination ({@code to:}, s3://BUCKET[/prefix] or
 * file:DIR), its layout, the key that signs the rewritten repository metadata, and the run. They change the store
 * only (no workspace), so they run on the controller, where the key is, with the AWS settings of the step's
 * environment (withAWS); a file: destination must lie under a directory an administrator allowed on the controller
 * (system property {@value #FILE_ROOTS}). rpm-core's Lifecycle decides everything else.
 */
public abstract class LifecycleStep extends Step {
    /** System property listing the directories (colon-separated) file: destinations on the controller may be under. */
    static final String FILE_ROOTS = "io.avalanche.rpm.jenkins.fileDestinations";

    private final String to;
    private String layout;
    private SigningKeySource key;

    protected LifecycleStep(String to) {
        this.to = Util.fixEmptyAndTrim(to);
    }

    public String getTo() {
        return to;
    }

    public String getLayout() {
        return layout;
    }

    /** Where the repositories are in the destination: seed (the default) or el9; rpm-core's names. */
    @DataBoundSetter
    public void setLayout(String layout) {
        this.layout = Util.fixEmptyAndTrim(layout);
    }

    public SigningKeySource getKey() {
        return key;
    }

    /** The key that signs the rewritten repodata/repomd.xml (the one rpmPublish signs with); unlocked only to apply. */
    @DataBoundSetter
    public void setKey(SigningKeySource key) {
        this.key = key;
    }

    /** The step's name in messages (rpmPrune, ...). */
    abstract String function();

    /** True when the step changes the store; false: rpm-core plans and changes nothing. */
    abstract boolean applies();

    /** Checks the step's own fields before any work; AbortException naming the field. */
    abstract void checkFields() throws AbortException;

    /** Runs the operation through rpm-core. */
    abstract RpmCorePublish.Outcome run(RpmCorePublish.Target target, Consumer<String> log);

    /** The first line of the step's log: what it does (or plans) where. */
    abstract String headline(String destination);

    /** rpm-core's canonical destination, refused before any work when missing, malformed or not allowed here. */
    String destination() throws AbortException {
        if (to == null) {
            throw new AbortException(Messages.LifecycleStep_ToRequired(function()));
        }
        String url;
        Path dir;
        try {
            url = RpmCorePublish.checkDestination(to);
            dir = RpmCorePublish.fileDirectory(to);
            RpmCorePublish.checkLayout(layout);
        } catch (RpmException e) {
            throw new AbortException(function() + ": " + e.getMessage());
        }
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

    @Override
    public StepExecution start(StepContext context) throws Exception {
        String destination = destination();
        checkFields();
        if (key != null) {
            key.check(function(), RpmCoreKeys.Use.publish(destination));   // an ephemeral key never signs for s3://
        }
        return new Execution(this, context);
    }

    /** Describes a lifecycle step: runs on the controller, needs no node; the layout choices and the destination check. */
    public abstract static class LifecycleDescriptor extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, EnvVars.class, Run.class);
        }

        public ListBoxModel doFillLayoutItems() {
            return Forms.layoutItems();
        }

        public FormValidation doCheckTo(@QueryParameter String value) {
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error(Messages.LifecycleStep_ToRequired(getFunctionName()));
            }
            try {
                RpmCorePublish.checkDestination(value.trim());
                return FormValidation.ok();
            } catch (RpmException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }

    /**
     * Unlocks the key (only to apply), lets rpm-core plan or apply the operation with a signer that records every
     * repository index it signs in the build, logs rpm-core's lines and returns its toMap() vocabulary unchanged.
     */
    static final class Execution extends StepRun<LifecycleStep> {
        private static final long serialVersionUID = 1L;

        Execution(LifecycleStep step, StepContext context) {
            super(step, context);
        }

        @Override
        protected Map<String, Object> run(FilePath workspace, TaskListener listener) throws Exception {
            StepContext c = getContext();
            Run<?, ?> run = c.get(Run.class);
            EnvVars env = c.get(EnvVars.class);
            String fn = step.function();
            String destination = step.destination();
            Consumer<String> log = listener.getLogger()::println;
            log.accept(step.headline(destination));
            RpmCoreKeys.Key key = null;
            List<RpmSignaturesAction.Signature> made = new ArrayList<>();
            try {
                if (step.applies() && step.key != null) {
                    if (!step.key.isEphemeral()) {
                        SigningKeySource.refuseInChangeRequest(run, listener, fn);
                    }
                    key = step.key.unlock(run, fn, RpmCoreKeys.Use.publish(destination));
                } else if (step.applies()) {
                    log.accept(Messages.LifecycleStep_NoKey(fn));
                }
                RpmCorePublish.Target target = new RpmCorePublish.Target(destination,
                        new TreeMap<>(StepEnvironment.aws(env)), step.layout, signer(key, destination, run, made),
                        step.applies(), fn);
                RpmCorePublish.Outcome outcome = step.run(target, log);
                outcome.lines().forEach(log);
                return outcome.result();
            } catch (RpmException e) {
                throw new AbortException(fn + ": " + e.getMessage());
            } finally {
                if (key != null) {
                    key.close();
                }
                RpmSignaturesAction.record(run, made, listener);   // also what was signed before a failure
            }
        }

        /**
         * Signs what rpm-core's Lifecycle hands over here on the controller (each rewritten repomd.xml, and the probe
         * that checks the key against the published key file) and keeps a record of every signature.
         */
        private static UnaryOperator<byte[]> signer(RpmCoreKeys.Key key, String destination, Run<?, ?> run,
                                                    List<RpmSignaturesAction.Signature> made) {
            if (key == null) {
                return null;
            }
            String buildUrl = RpmSignaturesAction.buildUrl(run);
            return data -> {
                byte[] signature = key.signForLifecycle(data);
                boolean index = RpmCoreKeys.isRepositoryIndex(data);
                made.add(new RpmSignaturesAction.Signature(index ? "repomd" : "key-check", index
                        ? RpmCorePublish.repomdPath("") + " of " + destination
                        : "rpm-core's probe of the key against the published key file of " + destination,
                        destination, RpmCore.sha256(data), key, buildUrl, System.currentTimeMillis()));
                return signature;
            };
        }
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
