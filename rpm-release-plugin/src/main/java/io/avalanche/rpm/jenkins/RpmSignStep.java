package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rpmSign(key: keyFile(credentialsId: 'rpm-gpg-key'), release: true, tag: 'v1.14.1', arch: 'x86_64',
 * vmId: build.vmId)} or {@code rpmSign(key: ephemeral())}: signs every RPM of a release directory with a header-only
 * signature. The main headers are read on the agent; the controller signs a header only when rpm-core's signing
 * approval finds it exactly a package of this tag, arch and VM ID (an agent may be subverted), records every
 * signature in the build, and sends the signatures back: the private key and its passphrase never leave the
 * controller and are never logged.
 */
public final class RpmSignStep extends Step {
    static final String FUNCTION = "rpmSign";

    private SigningKeySource key;
    private boolean release;
    private String tag;
    private String arch;
    private String vmId;
    private String respin;
    private String dir = RpmBuildStep.DEFAULT_OUT;

    @DataBoundConstructor
    public RpmSignStep() {
    }

    public SigningKeySource getKey() {
        return key;
    }

    /** keyFile(...), pkcs11(...) or ephemeral(). */
    @DataBoundSetter
    public void setKey(SigningKeySource key) {
        this.key = key;
    }

    public boolean isRelease() {
        return release;
    }

    /** A release build: refuses an ephemeral key. */
    @DataBoundSetter
    public void setRelease(boolean release) {
        this.release = release;
    }

    public String getTag() {
        return tag;
    }

    /** The tag this build releases, as the pipeline gave it (not as an agent reports it); required unless ephemeral. */
    @DataBoundSetter
    public void setTag(String tag) {
        this.tag = Util.fixEmptyAndTrim(tag);
    }

    public String getArch() {
        return arch;
    }

    /** The arch this build packages; required with a key that is not ephemeral. */
    @DataBoundSetter
    public void setArch(String arch) {
        this.arch = Util.fixEmptyAndTrim(arch);
    }

    public String getVmId() {
        return vmId;
    }

    /** The subnet-evm VM ID the build read (rpmBuild's result vmId); without it no subnet-evm package is signed. */
    @DataBoundSetter
    public void setVmId(String vmId) {
        this.vmId = Util.fixEmptyAndTrim(vmId);
    }

    public String getRespin() {
        return respin;
    }

    /** RPM Release N of the tag for a respin (rpmBuild's release:); unset: 1. */
    @DataBoundSetter
    public void setRespin(String respin) {
        this.respin = Util.fixEmptyAndTrim(respin);
    }

    public String getDir() {
        return dir;
    }

    @DataBoundSetter
    public void setDir(String dir) {
        this.dir = Util.fixEmptyAndTrim(dir) == null ? RpmBuildStep.DEFAULT_OUT : dir.trim();
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        check();
        return new Execution(this, context);
    }

    /** Refusals that need no agent and no key: rpm-core's key rules, then what a release key may sign. */
    void check() throws AbortException {
        RpmCoreKeys.Use use = RpmCoreKeys.Use.sign(release);
        if (key == null) {
            try {
                RpmCoreKeys.chooseNone(use);   // rpm-core: signing needs a key
            } catch (RpmException e) {
                throw SigningKeySource.refused(FUNCTION, e);
            }
            throw new AbortException(Messages.RpmSignStep_NoKey());
        }
        key.check(FUNCTION, use);   // e.g. release: true refuses ephemeral() (rpm-core's KeyChoice)
        if (!key.isEphemeral() && (tag == null || arch == null)) {
            throw new AbortException(Messages.RpmSignStep_ApprovalNeedsTagAndArch());
        }
        if (tag != null || arch != null) {
            try {
                RpmCoreKeys.checkApproval(tag, respin, arch, vmId);
            } catch (RpmException e) {
                throw new AbortException(FUNCTION + ": " + e.getMessage());
            }
        }
    }

    /** Describes {@code rpmSign} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmSign")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return FUNCTION;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RpmSignStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FilePath.class, TaskListener.class, Run.class);
        }

        public FormValidation doCheckTag(@QueryParameter String value) {
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.ok() : Forms.checkTag(value);
        }

        public ListBoxModel doFillArchItems() {
            return Forms.archItems();
        }
    }

    /**
     * rpm-core's two halves of signing (PackageSigning): on the agent the headers are read and checked; on the
     * controller they are approved, signed and recorded; on the agent the signatures, the public key and release.json
     * are written.
     */
    static final class Execution extends StepRun<RpmSignStep> {
        private static final long serialVersionUID = 1L;

        Execution(RpmSignStep step, StepContext context) {
            super(step, context);
        }

        @Override
        protected Map<String, Object> run(FilePath workspace, TaskListener listener) throws Exception {
            StepContext c = getContext();
            Run<?, ?> run = c.get(Run.class);
            if (!step.key.isEphemeral()) {
                SigningKeySource.refuseInChangeRequest(run, listener, FUNCTION);
            }
            FilePath dir = workspace.child(step.dir);
            LinkedHashMap<String, byte[]> headers = dir.act(new HeadersToSign());
            if (headers.isEmpty()) {
                throw new AbortException(Messages.RpmSignStep_NoPackages(dir.getRemote()));
            }
            // the controller's own judgement of what the agent sent, before the key is unlocked
            List<String> approved = null;
            if (step.tag != null) {
                try {
                    approved = RpmCoreKeys.approve(step.tag, step.respin, step.arch, step.vmId, headers);
                } catch (RpmException e) {
                    throw new AbortException(Messages.RpmSignStep_Refused(e.getMessage()));
                }
            }
            LinkedHashMap<String, byte[]> packets = new LinkedHashMap<>();
            LinkedHashMap<String, String> signedSha256 = new LinkedHashMap<>();
            List<RpmSignaturesAction.Signature> made = new ArrayList<>();
            String buildUrl = RpmSignaturesAction.buildUrl(run);
            byte[] publicKey;
            // every header is signed before any is written: a token failure leaves the RPMs as they were
            try (RpmCoreKeys.Key key = step.key.unlock(run, FUNCTION, RpmCoreKeys.Use.sign(step.release))) {
                int i = 0;
                for (Map.Entry<String, byte[]> e : headers.entrySet()) {
                    // the digest of the bytes signed here, not one the agent reports
                    String sha256 = RpmCore.sha256(e.getValue());
                    packets.put(e.getKey(), key.sign(e.getValue()));
                    signedSha256.put(e.getKey(), sha256);
                    String subject = approved != null ? approved.get(i) : RpmCoreKeys.nevra(e.getValue());
                    made.add(new RpmSignaturesAction.Signature("header", subject, e.getKey(), sha256, key, buildUrl,
                            System.currentTimeMillis()));
                    i++;
                }
                publicKey = key.publicKey();
            } catch (RpmException e) {
                throw new AbortException(FUNCTION + ": " + e.getMessage());
            } finally {
                RpmSignaturesAction.record(run, made, listener);
            }
            List<Map<String, Object>> files = dir.act(new ApplySignatures(packets, signedSha256, publicKey));
            RpmSignaturesAction.Signature first = made.get(0);
            listener.getLogger().println(first.isEphemeral()
                    ? Messages.RpmSignStep_SignedEphemeral(files.size(), first.getKeyId())
                    : Messages.RpmSignStep_Signed(files.size(), first.getKeyId(), first.getKeyHolder()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("keyId", first.getKeyId());
            result.put("fingerprint", first.getFingerprint());
            result.put("ephemeral", first.isEphemeral());
            result.put("keyHolder", first.getKeyHolder());
            result.put("publicKey", step.dir + "/" + RpmCoreKeys.keyFileName());
            for (int i = 0; i < files.size(); i++) {
                files.get(i).put("nevra", made.get(i).getSubject());
            }
            result.put("files", new ArrayList<>(files));
            return result;
        }
    }

    /** Agent side, half one: rpm-core reads and checks the main header of every *.rpm, by file name in name order. */
    static final class HeadersToSign extends MasterToSlaveFileCallable<LinkedHashMap<String, byte[]>> {
        private static final long serialVersionUID = 1L;

        @Override
        public LinkedHashMap<String, byte[]> invoke(File dir, VirtualChannel channel) throws IOException {
            if (!dir.isDirectory()) {
                throw new AbortException(Messages.RpmSignStep_NoDirectory(dir));
            }
            try {
                return RpmCoreKeys.headersToSign(dir.toPath());
            } catch (RpmException e) {
                throw new AbortException(FUNCTION + ": " + e.getMessage());
            }
        }
    }

    /**
     * Agent side, half two: rpm-core writes each signature into its package (refused when the header changed since it
     * was read), the public key file (never over another key) and the new digests in release.json.
     */
    static final class ApplySignatures extends MasterToSlaveFileCallable<List<Map<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final LinkedHashMap<String, byte[]> packets;
        private final LinkedHashMap<String, String> signedSha256;
        private final byte[] publicKey;

        ApplySignatures(LinkedHashMap<String, byte[]> packets, LinkedHashMap<String, String> signedSha256,
                        byte[] publicKey) {
            this.packets = packets;
            this.signedSha256 = signedSha256;
            this.publicKey = publicKey.clone();
        }

        @Override
        public List<Map<String, Object>> invoke(File dir, VirtualChannel channel) throws IOException {
            try {
                return RpmCoreKeys.applySignatures(dir.toPath(), packets, signedSha256, publicKey);
            } catch (RpmException e) {
                throw new AbortException(FUNCTION + ": " + e.getMessage());
            }
        }
    }
}
