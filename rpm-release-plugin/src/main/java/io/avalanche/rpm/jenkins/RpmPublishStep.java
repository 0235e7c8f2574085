package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.RpmException;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code rpmPublish(bucket: 'avalanchego-rpms', key: keyFile(credentialsId: 'rpm-gpg-key'))}: uploads a release
 * directory to {@code s3://BUCKET[/prefix]/linux/rpms/...} with the AWS settings of the step's environment, as
 * pipeline-aws's {@code withAWS} sets them, and a yum repository per arch whose repomd.xml is signed on the
 * controller (the key never reaches the agent; every signature is recorded in the build). Published releases are
 * immutable unless {@code force} is set; {@code layout: 'el9'} publishes in upstream's layout (rpm-core's Layout).
 */
public final class RpmPublishStep extends Step {
    static final String FUNCTION = "rpmPublish";

    private final String bucket;
    private String prefix = "";
    private boolean force;
    private String dir = RpmBuildStep.DEFAULT_OUT;
    private SigningKeySource key;
    private String layout;

    @DataBoundConstructor
    public RpmPublishStep(String bucket) {
        this.bucket = Util.fixEmptyAndTrim(bucket);
    }

    public String getBucket() {
        return bucket;
    }

    public String getPrefix() {
        return prefix;
    }

    @DataBoundSetter
    public void setPrefix(String prefix) {
        this.prefix = Util.fixNull(prefix).trim();
    }

    public boolean isForce() {
        return force;
    }

    /** Replace published objects whose bytes differ (a published release is otherwise immutable). */
    @DataBoundSetter
    public void setForce(boolean force) {
        this.force = force;
    }

    public String getDir() {
        return dir;
    }

    @DataBoundSetter
    public void setDir(String dir) {
        this.dir = Util.fixEmptyAndTrim(dir) == null ? RpmBuildStep.DEFAULT_OUT : dir.trim();
    }

    public SigningKeySource getKey() {
        return key;
    }

    /** The key that signs repodata/repomd.xml (the one rpmSign used); none: the metadata is published unsigned. */
    @DataBoundSetter
    public void setKey(SigningKeySource key) {
        this.key = key;
    }

    public String getLayout() {
        return layout;
    }

    /** Where the repositories go in the bucket: seed (linux/rpms/ARCH/, the default) or el9; rpm-core's names. */
    @DataBoundSetter
    public void setLayout(String layout) {
        this.layout = Util.fixEmptyAndTrim(layout);
    }

    /** rpm-core's canonical s3://BUCKET[/prefix] of this step's bucket and prefix; refuses bad names before any work. */
    String destination() throws AbortException {
        if (bucket == null) {
            throw new AbortException(Messages.RpmPublishStep_BucketRequired());
        }
        try {
            return RpmCorePublish.destination(bucket, prefix);
        } catch (RpmException e) {
            throw new AbortException(FUNCTION + ": " + e.getMessage());
        }
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        String destination = destination();
        try {
            RpmCorePublish.checkLayout(layout);
        } catch (RpmException e) {
            throw new AbortException(FUNCTION + ": " + e.getMessage());
        }
        if (key != null) {
            key.check(FUNCTION, RpmCoreKeys.Use.publish(destination));   // an ephemeral key never signs for s3://
        }
        return new Execution(this, context);
    }

    /** Describes {@code rpmPublish} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmPublish")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return FUNCTION;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RpmPublishStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FilePath.class, TaskListener.class, EnvVars.class, Run.class);
        }

        public FormValidation doCheckBucket(@QueryParameter String value) {
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error(Messages.RpmPublishStep_BucketRequired());
            }
            try {
                RpmCorePublish.destination(value.trim(), "");
                return FormValidation.ok();
            } catch (RpmException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        public ListBoxModel doFillLayoutItems() {
            return Forms.layoutItems();
        }
    }

    /**
     * Publishes in two agent callables around the controller: phase 1 uploads and stores the new metadata files,
     * the controller signs each new repomd.xml with the key from the credentials (which never leave it), phase 2
     * writes repomd.xml.asc, then repomd.xml, then removes the old metadata.
     */
    static final class Execution extends StepRun<RpmPublishStep> {
        private static final long serialVersionUID = 1L;

        Execution(RpmPublishStep step, StepContext context) {
            super(step, context);
        }

        @Override
        protected Map<String, Object> run(FilePath workspace, TaskListener listener) throws Exception {
            StepContext c = getContext();
            EnvVars env = c.get(EnvVars.class);
            Run<?, ?> run = c.get(Run.class);
            String destination = step.destination();
            // the key first: a wrong passphrase fails before anything is uploaded
            RpmCoreKeys.Key key = null;
            if (step.key != null) {
                if (!step.key.isEphemeral()) {
                    SigningKeySource.refuseInChangeRequest(run, listener, FUNCTION);
                }
                key = step.key.unlock(run, FUNCTION, RpmCoreKeys.Use.publish(destination));
            } else {
                listener.getLogger().println(Messages.RpmPublishStep_Unsigned());
            }
            try {
                Map<String, String> aws = StepEnvironment.aws(env);
                listener.getLogger().println(Messages.RpmPublishStep_Publishing(step.dir, destination,
                        String.join(", ", aws.keySet())));
                FilePath dir = workspace.child(step.dir);
                RpmCorePublish.PreparedPublish prepared = dir.act(new Prepare(step.bucket, step.prefix,
                        new TreeMap<>(aws), step.force, step.layout, listener));
                LinkedHashMap<String, byte[]> signatures = new LinkedHashMap<>();
                if (key != null) {
                    List<RpmSignaturesAction.Signature> made = new ArrayList<>();
                    String buildUrl = RpmSignaturesAction.buildUrl(run);
                    try {
                        for (Map.Entry<String, byte[]> e : prepared.toSign().entrySet()) {
                            // signRepository refuses bytes that are not a repository index as rpm-core writes it
                            signatures.put(e.getKey(), key.signRepository(e.getKey(), e.getValue()));
                            made.add(new RpmSignaturesAction.Signature("repomd", RpmCorePublish.repomdPath(e.getKey()),
                                    e.getKey(), RpmCore.sha256(e.getValue()), key, buildUrl,
                                    System.currentTimeMillis()));
                        }
                    } catch (RpmException e) {
                        throw new AbortException(FUNCTION + ": " + e.getMessage());
                    } finally {
                        key.close();
                    }
                    RpmSignaturesAction.record(run, made, listener);
                    listener.getLogger().println(key.ephemeral()
                            ? Messages.RpmPublishStep_SignedMetadataEphemeral(signatures.size(), key.keyId())
                            : Messages.RpmPublishStep_SignedMetadata(signatures.size(), key.keyId()));
                }
                Map<String, Object> result = new LinkedHashMap<>(dir.act(new Complete(step.bucket, step.prefix,
                        new TreeMap<>(aws), prepared.pending(), signatures, listener)));
                if (key != null) {
                    result.put("keyId", key.keyId());
                    result.put("fingerprint", key.fingerprint());
                    result.put("signingPublicKey", new String(key.publicKey(), StandardCharsets.US_ASCII));
                }
                listener.getLogger().println(Messages.RpmPublishStep_Published(destination));
                return result;
            } finally {
                if (key != null) {
                    key.close();   // ends a token session (idempotent)
                }
            }
        }
    }

    /** Agent side, phase 1: uploads packages and key, stores the new metadata files; writes no index. */
    static final class Prepare extends MasterToSlaveFileCallable<RpmCorePublish.PreparedPublish> {
        private static final long serialVersionUID = 1L;
        private final String bucket;
        private final String prefix;
        private final TreeMap<String, String> aws;
        private final boolean force;
        private final String layout;
        private final TaskListener listener;

        Prepare(String bucket, String prefix, TreeMap<String, String> aws, boolean force, String layout,
                TaskListener listener) {
            this.bucket = bucket;
            this.prefix = prefix;
            this.aws = aws;
            this.force = force;
            this.layout = layout;
            this.listener = listener;
        }

        @Override
        public RpmCorePublish.PreparedPublish invoke(File dir, VirtualChannel channel) throws IOException {
            if (!dir.isDirectory()) {
                throw new AbortException(Messages.RpmPublishStep_NoDirectory(dir));
            }
            try {
                return RpmCorePublish.preparePublish(dir.toPath(), bucket, prefix, aws, force, layout,
                        listener.getLogger()::println);
            } catch (RpmException e) {
                throw new AbortException(FUNCTION + ": " + e.getMessage());
            }
        }
    }

    /** Agent side, phase 2: writes repomd.xml.asc (signatures made on the controller), repomd.xml, the .repo file. */
    static final class Complete extends MasterToSlaveFileCallable<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String bucket;
        private final String prefix;
        private final TreeMap<String, String> aws;
        private final String pending;
        private final LinkedHashMap<String, byte[]> signatures;
        private final TaskListener listener;

        Complete(String bucket, String prefix, TreeMap<String, String> aws, String pending,
                 LinkedHashMap<String, byte[]> signatures, TaskListener listener) {
            this.bucket = bucket;
            this.prefix = prefix;
            this.aws = aws;
            this.pending = pending;
            this.signatures = signatures;
            this.listener = listener;
        }

        @Override
        public Map<String, Object> invoke(File dir, VirtualChannel channel) throws IOException {
            try {
                return RpmCorePublish.completePublish(pending, bucket, prefix, aws, signatures,
                        listener.getLogger()::println);
            } catch (RpmException e) {
                throw new AbortException(FUNCTION + ": " + e.getMessage());
            }
        }
    }
}
