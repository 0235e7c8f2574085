package io.avalanche.rpm.jenkins;

import io.avalanche.rpm.manifest.ReleaseManifest;
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
import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.RpmException;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code rpmSign(key: keyFile(credentialsId: 'rpm-gpg-key'), release: true, tag: 'v1.14.1', arch: 'x86_64',
 * vmId: build.vmId)} or {@code rpmSign(key: ephemeral())}: signs every RPM of a release directory with a header-only
 * signature. The main headers are read on the agent; the controller signs a header only when rpm-core's signing
 * approval finds it exactly a package of this tag, arch and VM ID (an agent may be subverted), records every
 * signature in the build, and sends the signatures back: the private key and its passphrase never leave the
 * controller and are never logged.
 */
public final class RpmSignStep extends Step {
    static final String PUBLIC_KEY_FILE = ReleaseManifest.KEY_FILE;
    static final String FUNCTION = "rpmSign";

    private SigningKeySource key;
    private boolean release;
    private String tag;
    private String arch;
    private String vmId;
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

    /** Refusals that need no agent and no key: which key, and what a release key may sign. */
    void check() throws AbortException {
        if (key == null) {
            throw new AbortException(Messages.RpmSignStep_NoKey());
        }
        if (release && key.isEphemeral()) {
            throw new AbortException(Messages.RpmSignStep_ReleaseRefusesEphemeral());
        }
        if (!key.isEphemeral() && (tag == null || arch == null)) {
            throw new AbortException(Messages.RpmSignStep_ApprovalNeedsTagAndArch());
        }
        key.check(FUNCTION);
        if (tag != null || arch != null) {
            try {
                RpmCore.checkApproval(tag, arch, vmId);
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
     * Reads headers on the agent; on the controller approves them, signs and records; writes signatures and the
     * public key on the agent.
     */
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient RpmSignStep step;

        Execution(RpmSignStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            StepContext c = getContext();
            FilePath workspace = c.get(FilePath.class);
            TaskListener listener = c.get(TaskListener.class);
            Run<?, ?> run = c.get(Run.class);
            if (!step.key.isEphemeral()) {
                SigningKeySource.refuseInChangeRequest(run, listener, FUNCTION);
            }
            FilePath dir = workspace.child(step.dir);
            LinkedHashMap<String, byte[]> headers = dir.act(new ReadHeaders());
            if (headers.isEmpty()) {
                throw new AbortException(Messages.RpmSignStep_NoPackages(dir.getRemote()));
            }
            // the controller's own judgement of what the agent sent, before the key is unlocked
            List<Map<String, String>> approved = null;
            if (step.tag != null) {
                try {
                    approved = RpmCore.approve(step.tag, step.arch, step.vmId, headers);
                } catch (RpmException e) {
                    throw new AbortException(Messages.RpmSignStep_Refused(e.getMessage()));
                }
            }
            RpmCore.Key key = step.key.unlock(run, FUNCTION);
            LinkedHashMap<String, HeaderSignature> signatures = new LinkedHashMap<>();
            List<RpmSignaturesAction.Signature> made = new ArrayList<>();
            String buildUrl = RpmSignaturesAction.buildUrl(run);
            try {
                int i = 0;
                for (Map.Entry<String, byte[]> e : headers.entrySet()) {
                    // the digest of the bytes signed here, not one the agent reports
                    String sha256 = RpmCore.sha256(e.getValue());
                    signatures.put(e.getKey(), new HeaderSignature(key.sign(e.getValue()), sha256));
                    String subject = approved != null ? approved.get(i).get("nevra") : RpmCore.nevra(e.getValue());
                    made.add(new RpmSignaturesAction.Signature("header", subject, e.getKey(), sha256, key, buildUrl,
                            System.currentTimeMillis()));
                    i++;
                }
            } catch (RpmException e) {
                throw new AbortException(FUNCTION + ": " + e.getMessage());
            } finally {
                key.close();   // every header is signed before any is written: a token failure leaves the RPMs as they were
            }
            RpmSignaturesAction.record(run, made, listener);
            List<Map<String, Object>> files = dir.act(new WriteSignatures(signatures, PUBLIC_KEY_FILE, key.publicKey()));
            listener.getLogger().println(key.ephemeral()
                    ? Messages.RpmSignStep_SignedEphemeral(files.size(), key.keyId())
                    : Messages.RpmSignStep_Signed(files.size(), key.keyId(), key.holder()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("keyId", key.keyId());
            result.put("fingerprint", key.fingerprint());
            result.put("ephemeral", key.ephemeral());
            result.put("keyHolder", key.holder());
            result.put("publicKey", step.dir + "/" + PUBLIC_KEY_FILE);
            for (int i = 0; i < files.size(); i++) {
                files.get(i).put("nevra", made.get(i).getSubject());
            }
            result.put("files", new ArrayList<>(files));
            return result;
        }
    }

    /** A signature packet made on the controller and the SHA-256 of the main header it covers. */
    record HeaderSignature(byte[] packet, String headerSha256) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Agent side: the main header bytes of every *.rpm in the directory, by file name, in name order. */
    static final class ReadHeaders extends MasterToSlaveFileCallable<LinkedHashMap<String, byte[]>> {
        private static final long serialVersionUID = 1L;

        @Override
        public LinkedHashMap<String, byte[]> invoke(File dir, VirtualChannel channel) throws IOException {
            LinkedHashMap<String, byte[]> r = new LinkedHashMap<>();
            for (Path rpm : packages(dir)) {
                try {
                    r.put(PathNames.name(rpm), RpmCore.headerToSign(rpm));
                } catch (RpmException e) {
                    throw new AbortException(FUNCTION + ": " + e.getMessage());
                }
            }
            return r;
        }
    }

    /**
     * Agent side: writes each signature into its package (refused when the header changed since it was read), the
     * public key file, and refreshes release.json.
     */
    static final class WriteSignatures extends MasterToSlaveFileCallable<List<Map<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final LinkedHashMap<String, HeaderSignature> signatures;
        private final String publicKeyFile;
        private final byte[] publicKey;

        WriteSignatures(LinkedHashMap<String, HeaderSignature> signatures, String publicKeyFile, byte[] publicKey) {
            this.signatures = signatures;
            this.publicKeyFile = publicKeyFile;
            this.publicKey = publicKey.clone();
        }

        @Override
        public List<Map<String, Object>> invoke(File dir, VirtualChannel channel) throws IOException {
            List<Map<String, Object>> r = new ArrayList<>();
            try {
                for (Map.Entry<String, HeaderSignature> e : signatures.entrySet()) {
                    Path rpm = dir.toPath().resolve(e.getKey());
                    r.add(RpmCore.applySignature(rpm, e.getValue().packet(), e.getValue().headerSha256()));
                }
            } catch (RpmException e) {
                throw new AbortException(FUNCTION + ": " + e.getMessage());
            }
            Files.write(dir.toPath().resolve(publicKeyFile), publicKey);
            try {
                RpmCore.refreshManifest(dir.toPath());
            } catch (RpmException e) {
                throw new AbortException(FUNCTION + ": " + e.getMessage());
            }
            return r;
        }
    }

    static List<Path> packages(File dir) throws IOException {
        if (!dir.isDirectory()) {
            throw new AbortException(Messages.RpmSignStep_NoDirectory(dir));
        }
        try (Stream<Path> s = Files.list(dir.toPath())) {
            return s.filter(p -> PathNames.name(p).endsWith(".rpm") && Files.isRegularFile(p)).sorted().toList();
        }
    }
}
