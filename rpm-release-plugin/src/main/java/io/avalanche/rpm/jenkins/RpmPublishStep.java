package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code rpmPublish(bucket: 'avalanchego-rpms', key: keyFile(credentialsId: 'rpm-gpg-key'))}: uploads a release
 * directory to {@code s3://BUCKET[/prefix]/linux/rpms/...} with the AWS settings of the step's environment, as
 * pipeline-aws's {@code withAWS} sets them, and a yum repository per arch whose repomd.xml is signed on the
 * controller (the key never reaches the agent; every signature is recorded in the build). Published releases are
 * immutable unless {@code force} is set; {@code layout: 'el9'} publishes in upstream's layout (rpm-core's Layout).
 */
public final class RpmPublishStep extends LayoutStep {
    static final String FUNCTION = "rpmPublish";

    private final String bucket;
    private String prefix = "";
    private boolean force;
    private String dir = RpmBuildStep.DEFAULT_OUT;

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

    /** The release directory, relative to the workspace; empty: rpmBuild's default. */
    @DataBoundSetter
    public void setDir(String dir) {
        this.dir = RpmBuildStep.out(dir);
    }

    /** rpm-core's canonical s3://BUCKET[/prefix] of this step's bucket and prefix; refuses bad names before any work. */
    @Override
    String destination() throws AbortException {
        if (bucket == null) {
            throw new AbortException(Messages.RpmPublishStep_BucketRequired());
        }
        return core(() -> RpmCorePublish.destination(bucket, prefix));
    }

    /** Describes {@code rpmPublish} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol(FUNCTION)
    public static final class DescriptorImpl extends RpmDescriptor {
        public DescriptorImpl() {
            super(FUNCTION, Messages::RpmPublishStep_DisplayName, true, FilePath.class, TaskListener.class,
                    EnvVars.class, Run.class);
        }

        public FormValidation doCheckBucket(@QueryParameter String value) {
            return Forms.required(value, Messages.RpmPublishStep_BucketRequired(),
                    () -> RpmCorePublish.destination(value.trim(), ""));
        }
    }

    /**
     * Publishes in two agent callables around the controller: phase 1 uploads and stores the new metadata files,
     * the controller signs each new repomd.xml with the key from the credentials (which never leave it), phase 2
     * writes repomd.xml.asc, then repomd.xml, then removes the old metadata.
     */
    @Override
    Map<String, Object> run(StepRun ctx, FilePath workspace, TaskListener listener) throws Exception {
        Run<?, ?> run = ctx.build();
        String destination = destination();
        // the key first: a wrong passphrase fails before anything is uploaded
        RpmCoreKeys.Key key = unlockFor(run, listener, destination, Messages.RpmPublishStep_Unsigned());
        try {
            Bucket target = new Bucket(bucket, prefix, ctx.aws(), listener);
            listener.getLogger().println(Messages.RpmPublishStep_Publishing(this.dir, destination,
                    String.join(", ", target.aws.keySet())));
            FilePath dir = workspace.child(this.dir);
            RpmCorePublish.PreparedPublish prepared = dir.act(new Prepare(target, force, getLayout()));
            LinkedHashMap<String, byte[]> signatures = key == null ? new LinkedHashMap<>()
                    : sign(key, prepared, run, listener);
            Map<String, Object> result = new LinkedHashMap<>(dir.act(new Complete(target, prepared.pending(),
                    signatures)));
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

    /** Signs each new repomd.xml phase 1 stored (only bytes that are a repository index) and records it. */
    private LinkedHashMap<String, byte[]> sign(RpmCoreKeys.Key key, RpmCorePublish.PreparedPublish prepared,
                                               Run<?, ?> run, TaskListener listener) throws IOException {
        LinkedHashMap<String, byte[]> signatures = new LinkedHashMap<>();
        RpmSignaturesAction.Made made = new RpmSignaturesAction.Made(run);
        try {
            core(() -> {
                for (Map.Entry<String, byte[]> e : prepared.toSign().entrySet()) {
                    // signRepository refuses bytes that are not a repository index as rpm-core writes it
                    signatures.put(e.getKey(), key.signRepository(e.getKey(), e.getValue()));
                    made.add("repomd", RpmCorePublish.repomdPath(e.getKey()), e.getKey(),
                            RpmCore.sha256(e.getValue()), key);
                }
                return null;
            });
        } finally {
            key.close();
        }
        made.record(listener);
        listener.getLogger().println(key.ephemeral()
                ? Messages.RpmPublishStep_SignedMetadataEphemeral(signatures.size(), key.keyId())
                : Messages.RpmPublishStep_SignedMetadata(signatures.size(), key.keyId()));
        return signatures;
    }

    /** Where the agent callables publish: bucket, prefix, the AWS settings and the build's log. */
    record Bucket(String bucket, String prefix, TreeMap<String, String> aws, TaskListener listener)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Agent side, phase 1: uploads packages and key, stores the new metadata files; writes no index. */
    static final class Prepare extends StepRun.AgentCall<RpmCorePublish.PreparedPublish> {
        private static final long serialVersionUID = 1L;
        private final Bucket target;
        private final boolean force;
        private final String layout;

        Prepare(Bucket target, boolean force, String layout) {
            super(FUNCTION);
            this.target = target;
            this.force = force;
            this.layout = layout;
        }

        @Override
        RpmCorePublish.PreparedPublish call(File dir) throws IOException {
            if (!dir.isDirectory()) {
                throw new AbortException(Messages.RpmPublishStep_NoDirectory(dir));
            }
            return RpmCorePublish.preparePublish(dir.toPath(), target.bucket, target.prefix, target.aws, force, layout,
                    target.listener.getLogger()::println);
        }
    }

    /** Agent side, phase 2: writes repomd.xml.asc (signatures made on the controller), repomd.xml, the .repo file. */
    static final class Complete extends StepRun.AgentCall<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final Bucket target;
        private final String pending;
        private final LinkedHashMap<String, byte[]> signatures;

        Complete(Bucket target, String pending, LinkedHashMap<String, byte[]> signatures) {
            super(FUNCTION);
            this.target = target;
            this.pending = pending;
            this.signatures = signatures;
        }

        @Override
        Map<String, Object> call(File dir) throws IOException {
            return RpmCorePublish.completePublish(pending, target.bucket, target.prefix, target.aws, signatures,
                    target.listener.getLogger()::println);
        }
    }
}
