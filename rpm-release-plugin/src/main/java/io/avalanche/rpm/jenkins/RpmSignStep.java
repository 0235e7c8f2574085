package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rpmSign(key: keyFile(credentialsId: 'rpm-gpg-key'), release: true, tag: 'v1.14.1', arch: 'x86_64',
 * vmId: build.vmId)} or {@code rpmSign(key: ephemeral())}: signs every RPM of a release directory with a header-only
 * signature. The main headers are read on the agent; the controller signs a header only when rpm-core's signing
 * approval finds it exactly a package of this tag, arch and VM ID (an agent may be subverted), records every
 * signature in the build, and sends the signatures back: the private key and its passphrase never leave the
 * controller and are never logged.
 */
public final class RpmSignStep extends TagArchStep {
    static final String FUNCTION = "rpmSign";

    private boolean release;
    private String vmId;
    private String respin;
    private String dir = RpmBuildStep.DEFAULT_OUT;

    @DataBoundConstructor
    public RpmSignStep() {
    }

    public boolean isRelease() {
        return release;
    }

    /** A release build: refuses an ephemeral key. */
    @DataBoundSetter
    public void setRelease(boolean release) {
        this.release = release;
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

    /** The release directory, relative to the workspace; empty: rpmBuild's default. */
    @DataBoundSetter
    public void setDir(String dir) {
        this.dir = RpmBuildStep.out(dir);
    }

    /**
     * Refusals that need no agent and no key: rpm-core's key rules, then what a release key may sign (tag and arch are
     * required unless the key is ephemeral).
     */
    @Override
    void check() throws AbortException {
        String tag = getTag();
        String arch = getArch();
        RpmCoreKeys.Use use = RpmCoreKeys.Use.sign(release);
        if (getKey() == null) {
            try {
                RpmCoreKeys.chooseNone(use);   // rpm-core: signing needs a key
            } catch (RpmException e) {
                throw SigningKeySource.refused(FUNCTION, e);
            }
            throw new AbortException(Messages.RpmSignStep_NoKey());
        }
        checkKey(use);   // e.g. release: true refuses ephemeral() (rpm-core's KeyChoice)
        if (!getKey().isEphemeral() && (tag == null || arch == null)) {
            throw new AbortException(Messages.RpmSignStep_ApprovalNeedsTagAndArch());
        }
        if (tag != null || arch != null) {
            checkCore(() -> RpmCoreKeys.checkApproval(tag, respin, arch, vmId));
        }
    }

    /** Describes {@code rpmSign} to Pipeline and to the snippet generator; its tag is optional (ephemeral keys). */
    @Extension
    @Symbol(FUNCTION)
    public static final class DescriptorImpl extends RpmDescriptor {
        public DescriptorImpl() {
            super(FUNCTION, Messages::RpmSignStep_DisplayName, false, FilePath.class, TaskListener.class, Run.class);
        }
    }

    /**
     * rpm-core's two halves of signing (PackageSigning): on the agent the headers are read and checked; on the
     * controller they are approved, signed and recorded; on the agent the signatures, the public key and release.json
     * are written.
     */
    @Override
    Map<String, Object> run(StepRun ctx, FilePath workspace, TaskListener listener) throws Exception {
        Run<?, ?> run = ctx.build();
        refuseInChangeRequest(run, listener);
        FilePath dir = workspace.child(this.dir);
        LinkedHashMap<String, byte[]> headers = dir.act(new HeadersToSign());
        if (headers.isEmpty()) {
            throw new AbortException(Messages.RpmSignStep_NoPackages(dir.getRemote()));
        }
        // the controller's own judgement of what the agent sent, before the key is unlocked
        List<String> approved = null;
        if (getTag() != null) {
            try {
                approved = RpmCoreKeys.approve(getTag(), respin, getArch(), vmId, headers);
            } catch (RpmException e) {
                throw new AbortException(Messages.RpmSignStep_Refused(e.getMessage()));
            }
        }
        LinkedHashMap<String, byte[]> packets = new LinkedHashMap<>();
        LinkedHashMap<String, String> signedSha256 = new LinkedHashMap<>();
        RpmSignaturesAction.Made made = new RpmSignaturesAction.Made(run);
        byte[] publicKey;
        // every header is signed before any is written: a token failure leaves the RPMs as they were
        try (RpmCoreKeys.Key key = getKey().unlock(run, FUNCTION, RpmCoreKeys.Use.sign(release))) {
            List<String> subjects = approved;
            core(() -> {
                int i = 0;
                for (Map.Entry<String, byte[]> e : headers.entrySet()) {
                    // the digest of the bytes signed here, not one the agent reports
                    String sha256 = RpmCore.sha256(e.getValue());
                    packets.put(e.getKey(), key.sign(e.getValue()));
                    signedSha256.put(e.getKey(), sha256);
                    made.add("header", subjects != null ? subjects.get(i) : RpmCoreKeys.nevra(e.getValue()),
                            e.getKey(), sha256, key);
                    i++;
                }
                return null;
            });
            publicKey = key.publicKey();
        } finally {
            made.record(listener);
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
        result.put("publicKey", this.dir + "/" + RpmCoreKeys.keyFileName());
        for (int i = 0; i < files.size(); i++) {
            files.get(i).put("nevra", made.get(i).getSubject());
        }
        result.put("files", new ArrayList<>(files));
        return result;
    }

    /** Agent side, half one: rpm-core reads and checks the main header of every *.rpm, by file name in name order. */
    static final class HeadersToSign extends StepRun.AgentCall<LinkedHashMap<String, byte[]>> {
        private static final long serialVersionUID = 1L;

        HeadersToSign() {
            super(FUNCTION);
        }

        @Override
        LinkedHashMap<String, byte[]> call(File dir) throws IOException {
            if (!dir.isDirectory()) {
                throw new AbortException(Messages.RpmSignStep_NoDirectory(dir));
            }
            return RpmCoreKeys.headersToSign(dir.toPath());
        }
    }

    /**
     * Agent side, half two: rpm-core writes each signature into its package (refused when the header changed since it
     * was read), the public key file (never over another key) and the new digests in release.json.
     */
    static final class ApplySignatures extends StepRun.AgentCall<List<Map<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final LinkedHashMap<String, byte[]> packets;
        private final LinkedHashMap<String, String> signedSha256;
        private final byte[] publicKey;

        ApplySignatures(LinkedHashMap<String, byte[]> packets, LinkedHashMap<String, String> signedSha256,
                        byte[] publicKey) {
            super(FUNCTION);
            this.packets = packets;
            this.signedSha256 = signedSha256;
            this.publicKey = publicKey.clone();
        }

        @Override
        List<Map<String, Object>> call(File dir) {
            return RpmCoreKeys.applySignatures(dir.toPath(), packets, signedSha256, publicKey);
        }
    }
}
