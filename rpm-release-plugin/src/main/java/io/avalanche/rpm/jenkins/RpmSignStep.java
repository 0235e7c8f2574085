package io.avalanche.rpm.jenkins;

import io.avalanche.rpm.manifest.ReleaseManifest;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.PathNames;
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
 * {@code rpmSign(credentialsId: 'rpm-gpg-key', passphraseCredentialsId: 'rpm-gpg-pass', release: true)} or
 * {@code rpmSign(ephemeral: true)}: signs every RPM of a release directory with a header-only signature. The main
 * headers are read on the agent, signed here on the controller, and the signatures written back on the agent: the
 * private key and its passphrase never leave the controller and are never logged.
 */
public final class RpmSignStep extends Step {
    static final String PUBLIC_KEY_FILE = ReleaseManifest.KEY_FILE;

    private String credentialsId;
    private String passphraseCredentialsId;
    private boolean ephemeral;
    private boolean release;
    private String pkcs11Module;
    private String pkcs11Token;
    private String pkcs11Key;
    private String pinCredentialsId;
    private String certificateId;
    private String dir = RpmBuildStep.DEFAULT_OUT;

    @DataBoundConstructor
    public RpmSignStep() {
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    /** File credential holding the ASCII-armored secret key. */
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

    public boolean isEphemeral() {
        return ephemeral;
    }

    @DataBoundSetter
    public void setEphemeral(boolean ephemeral) {
        this.ephemeral = ephemeral;
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

    public boolean isRelease() {
        return release;
    }

    /** A release build: refuses an ephemeral key. */
    @DataBoundSetter
    public void setRelease(boolean release) {
        this.release = release;
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
        return new Execution(this, context);
    }

    /** Describes {@code rpmSign} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmSign")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "rpmSign";
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
    }

    /** Reads headers on the agent, signs on the controller, writes signatures and the public key on the agent. */
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
            if (step.ephemeral && step.release) {
                throw new AbortException(Messages.RpmSignStep_ReleaseRefusesEphemeral());
            }
            TokenCredentials.Settings token = step.tokenSettings();
            if (token.configured()) {
                TokenCredentials.check("rpmSign", token, step.credentialsId, step.passphraseCredentialsId, step.ephemeral);
            } else {
                SigningCredentials.check("rpmSign", step.credentialsId, step.passphraseCredentialsId, step.ephemeral);
            }
            FilePath dir = workspace.child(step.dir);
            LinkedHashMap<String, byte[]> headers = dir.act(new ReadHeaders());
            if (headers.isEmpty()) {
                throw new AbortException(Messages.RpmSignStep_NoPackages(dir.getRemote()));
            }
            RpmCore.Key key = token.configured() ? TokenCredentials.load(run, "rpmSign", token)
                    : SigningCredentials.load(run, "rpmSign", step.credentialsId, step.passphraseCredentialsId,
                    step.ephemeral);
            LinkedHashMap<String, HeaderSignature> signatures = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, byte[]> e : headers.entrySet()) {
                    // the digest of the bytes signed here, not one the agent reports
                    signatures.put(e.getKey(), new HeaderSignature(key.sign(e.getValue()), RpmCore.sha256(e.getValue())));
                }
            } catch (RpmException e) {
                throw new AbortException("rpmSign: " + e.getMessage());
            } finally {
                key.close();   // every header is signed before any is written: a token failure leaves the RPMs as they were
            }
            List<Map<String, Object>> files = dir.act(new WriteSignatures(signatures, PUBLIC_KEY_FILE, key.publicKey()));
            listener.getLogger().println(key.ephemeral()
                    ? Messages.RpmSignStep_SignedEphemeral(files.size(), key.keyId())
                    : token.configured() ? Messages.RpmSignStep_SignedToken(files.size(), key.keyId(), key.holder())
                    : Messages.RpmSignStep_Signed(files.size(), key.keyId()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("keyId", key.keyId());
            result.put("fingerprint", key.fingerprint());
            result.put("ephemeral", key.ephemeral());
            result.put("keyHolder", key.holder());
            result.put("publicKey", step.dir + "/" + PUBLIC_KEY_FILE);
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
                    throw new AbortException("rpmSign: " + e.getMessage());
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
                throw new AbortException("rpmSign: " + e.getMessage());
            }
            Files.write(dir.toPath().resolve(publicKeyFile), publicKey);
            try {
                RpmCore.refreshManifest(dir.toPath());
            } catch (RpmException e) {
                throw new AbortException("rpmSign: " + e.getMessage());
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
