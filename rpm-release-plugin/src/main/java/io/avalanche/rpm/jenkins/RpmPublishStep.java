package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.RpmException;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code rpmPublish(bucket: 'avalanchego-rpms', credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-pass')}:
 * uploads a release directory to {@code s3://BUCKET[/prefix]/linux/rpms/...} with the AWS settings of the step's
 * environment, as pipeline-aws's {@code withAWS} sets them, and a yum repository per arch whose repomd.xml is signed
 * on the controller (the key never reaches the agent). Published releases are immutable unless {@code force} is set.
 */
public final class RpmPublishStep extends Step {
    private final String bucket;
    private String prefix = "";
    private boolean force;
    private String dir = RpmBuildStep.DEFAULT_OUT;
    private String credentialsId;
    private String passphraseCredentialsId;
    private boolean ephemeral;
    private String pkcs11Module;
    private String pkcs11Token;
    private String pkcs11Key;
    private String pinCredentialsId;
    private String certificateId;

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

    public String getCredentialsId() {
        return credentialsId;
    }

    /** File credential with the armored secret key that signs repodata/repomd.xml (the one rpmSign uses). */
    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getPassphraseCredentialsId() {
        return passphraseCredentialsId;
    }

    /** Optional Secret text credential with the key's passphrase. */
    @DataBoundSetter
    public void setPassphraseCredentialsId(String passphraseCredentialsId) {
        this.passphraseCredentialsId = Util.fixEmptyAndTrim(passphraseCredentialsId);
    }

    public String getPkcs11Module() {
        return pkcs11Module;
    }

    /** PKCS#11 module (.so) on the controller of the token holding the key; see TokenCredentials. */
    @DataBoundSetter
    public void setPkcs11Module(String pkcs11Module) {
        this.pkcs11Module = Util.fixEmptyAndTrim(pkcs11Module);
    }

    public String getPkcs11Token() {
        return pkcs11Token;
    }

    @DataBoundSetter
    public void setPkcs11Token(String pkcs11Token) {
        this.pkcs11Token = Util.fixEmptyAndTrim(pkcs11Token);
    }

    public String getPkcs11Key() {
        return pkcs11Key;
    }

    @DataBoundSetter
    public void setPkcs11Key(String pkcs11Key) {
        this.pkcs11Key = Util.fixEmptyAndTrim(pkcs11Key);
    }

    public String getPinCredentialsId() {
        return pinCredentialsId;
    }

    /** Secret text credential with the token's user PIN. */
    @DataBoundSetter
    public void setPinCredentialsId(String pinCredentialsId) {
        this.pinCredentialsId = Util.fixEmptyAndTrim(pinCredentialsId);
    }

    public String getCertificateId() {
        return certificateId;
    }

    /** File credential with the armored OpenPGP certificate of the token key. */
    @DataBoundSetter
    public void setCertificateId(String certificateId) {
        this.certificateId = Util.fixEmptyAndTrim(certificateId);
    }

    TokenCredentials.Settings tokenSettings() {
        return new TokenCredentials.Settings(pkcs11Module, pkcs11Token, pkcs11Key, pinCredentialsId, certificateId);
    }

    public boolean isEphemeral() {
        return ephemeral;
    }

    /** Sign the metadata with a throw-away key (local trials). */
    @DataBoundSetter
    public void setEphemeral(boolean ephemeral) {
        this.ephemeral = ephemeral;
    }

    /** s3://BUCKET or s3://BUCKET/prefix, the destination rpm-core publishes under. */
    String destination() {
        String p = prefix.replaceAll("^/+|/+$", "");
        return "s3://" + bucket + (p.isEmpty() ? "" : "/" + p);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    /** Describes {@code rpmPublish} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmPublish")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "rpmPublish";
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

        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return Forms.credentials(item, credentialsId, FileCredentials.class);
        }

        public ListBoxModel doFillPassphraseCredentialsIdItems(@AncestorInPath Item item,
                                                               @QueryParameter String passphraseCredentialsId) {
            return Forms.credentials(item, passphraseCredentialsId, StringCredentials.class);
        }

        public ListBoxModel doFillPinCredentialsIdItems(@AncestorInPath Item item,
                                                        @QueryParameter String pinCredentialsId) {
            return Forms.credentials(item, pinCredentialsId, StringCredentials.class);
        }

        public ListBoxModel doFillCertificateIdItems(@AncestorInPath Item item, @QueryParameter String certificateId) {
            return Forms.credentials(item, certificateId, FileCredentials.class);
        }

        public FormValidation doCheckBucket(@QueryParameter String value) {
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.error(Messages.RpmPublishStep_BucketRequired())
                    : FormValidation.ok();
        }
    }

    /**
     * Publishes in two agent callables around the controller: phase 1 uploads and stores the new metadata files,
     * the controller signs each new repomd.xml with the key from the credentials (which never leave it), phase 2
     * writes repomd.xml.asc, then repomd.xml, then removes the old metadata.
     */
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient RpmPublishStep step;

        Execution(RpmPublishStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            StepContext c = getContext();
            FilePath workspace = c.get(FilePath.class);
            TaskListener listener = c.get(TaskListener.class);
            EnvVars env = c.get(EnvVars.class);
            Run<?, ?> run = c.get(Run.class);
            if (step.bucket == null) {
                throw new AbortException(Messages.RpmPublishStep_BucketRequired());
            }
            // the key first: a wrong passphrase fails before anything is uploaded
            RpmCore.Key key = null;
            TokenCredentials.Settings token = step.tokenSettings();
            if (token.configured()) {
                TokenCredentials.check("rpmPublish", token, step.credentialsId, step.passphraseCredentialsId,
                        step.ephemeral);
                key = TokenCredentials.load(run, "rpmPublish", token);
            } else if (SigningCredentials.configured(step.credentialsId, step.passphraseCredentialsId, step.ephemeral)) {
                key = SigningCredentials.load(run, "rpmPublish", step.credentialsId, step.passphraseCredentialsId,
                        step.ephemeral);
            } else {
                listener.getLogger().println(Messages.RpmPublishStep_Unsigned());
            }
            try {
                Map<String, String> aws = StepEnvironment.aws(env);
                listener.getLogger().println(Messages.RpmPublishStep_Publishing(step.dir, step.destination(),
                        String.join(", ", aws.keySet())));
                FilePath dir = workspace.child(step.dir);
                RpmCore.PreparedPublish prepared = dir.act(new Prepare(step.destination(), new TreeMap<>(aws),
                        step.force, listener));
                LinkedHashMap<String, byte[]> signatures = new LinkedHashMap<>();
                if (key != null) {
                    try {
                        for (Map.Entry<String, byte[]> e : prepared.toSign().entrySet()) {
                            signatures.put(e.getKey(), key.signRepository(e.getKey(), e.getValue()));
                        }
                    } catch (RpmException e) {
                        throw new AbortException("rpmPublish: " + e.getMessage());
                    } finally {
                        key.close();
                    }
                    listener.getLogger().println(key.ephemeral()
                            ? Messages.RpmPublishStep_SignedMetadataEphemeral(signatures.size(), key.keyId())
                            : Messages.RpmPublishStep_SignedMetadata(signatures.size(), key.keyId()));
                }
                Map<String, Object> result = new LinkedHashMap<>(dir.act(new Complete(step.destination(),
                        new TreeMap<>(aws), prepared.pending(), signatures, listener)));
                if (key != null) {
                    result.put("keyId", key.keyId());
                    result.put("fingerprint", key.fingerprint());
                    result.put("signingPublicKey", new String(key.publicKey(), StandardCharsets.US_ASCII));
                }
                listener.getLogger().println(Messages.RpmPublishStep_Published(step.destination()));
                return result;
            } finally {
                if (key != null) {
                    key.close();   // ends a token session (idempotent)
                }
            }
        }
    }

    /** Agent side, phase 1: uploads packages and key, stores the new metadata files; writes no index. */
    static final class Prepare extends MasterToSlaveFileCallable<RpmCore.PreparedPublish> {
        private static final long serialVersionUID = 1L;
        private final String destination;
        private final TreeMap<String, String> aws;
        private final boolean force;
        private final TaskListener listener;

        Prepare(String destination, TreeMap<String, String> aws, boolean force, TaskListener listener) {
            this.destination = destination;
            this.aws = aws;
            this.force = force;
            this.listener = listener;
        }

        @Override
        public RpmCore.PreparedPublish invoke(File dir, VirtualChannel channel) throws IOException {
            if (!dir.isDirectory()) {
                throw new AbortException(Messages.RpmPublishStep_NoDirectory(dir));
            }
            try {
                return RpmCore.preparePublish(dir.toPath(), destination, aws, force, listener.getLogger()::println);
            } catch (RpmException e) {
                throw new AbortException("rpmPublish: " + e.getMessage());
            }
        }
    }

    /** Agent side, phase 2: writes repomd.xml.asc (signatures made on the controller), repomd.xml, the .repo file. */
    static final class Complete extends MasterToSlaveFileCallable<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String destination;
        private final TreeMap<String, String> aws;
        private final String pending;
        private final LinkedHashMap<String, byte[]> signatures;
        private final TaskListener listener;

        Complete(String destination, TreeMap<String, String> aws, String pending,
                 LinkedHashMap<String, byte[]> signatures, TaskListener listener) {
            this.destination = destination;
            this.aws = aws;
            this.pending = pending;
            this.signatures = signatures;
            this.listener = listener;
        }

        @Override
        public Map<String, Object> invoke(File dir, VirtualChannel channel) throws IOException {
            try {
                return RpmCore.completePublish(pending, destination, aws, signatures, listener.getLogger()::println);
            } catch (RpmException e) {
                throw new AbortException("rpmPublish: " + e.getMessage());
            }
        }
    }
}
