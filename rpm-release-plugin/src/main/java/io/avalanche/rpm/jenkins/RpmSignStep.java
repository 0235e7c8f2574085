package io.avalanche.rpm.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    static final String PUBLIC_KEY_FILE = "RPM-GPG-KEY-avalanchego";

    private String credentialsId;
    private String passphraseCredentialsId;
    private boolean ephemeral;
    private boolean release;
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
            if (step.ephemeral && (step.credentialsId != null || step.passphraseCredentialsId != null)) {
                throw new AbortException(Messages.RpmSignStep_EphemeralWithCredentials());
            }
            if (!step.ephemeral && step.credentialsId == null) {
                throw new AbortException(Messages.RpmSignStep_NoKey());
            }
            FilePath dir = workspace.child(step.dir);
            LinkedHashMap<String, byte[]> headers = dir.act(new ReadHeaders());
            if (headers.isEmpty()) {
                throw new AbortException(Messages.RpmSignStep_NoPackages(dir.getRemote()));
            }
            RpmCore.Key key = key(run);
            LinkedHashMap<String, byte[][]> signatures = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, byte[]> e : headers.entrySet()) {
                    signatures.put(e.getKey(), new byte[][] {e.getValue(), key.sign(e.getValue())});
                }
            } catch (RpmException e) {
                throw new AbortException("rpmSign: " + e.getMessage());
            }
            List<Map<String, Object>> files = dir.act(new WriteSignatures(signatures, PUBLIC_KEY_FILE, key.publicKey()));
            listener.getLogger().println(key.ephemeral()
                    ? Messages.RpmSignStep_SignedEphemeral(files.size(), key.keyId())
                    : Messages.RpmSignStep_Signed(files.size(), key.keyId()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("keyId", key.keyId());
            result.put("fingerprint", key.fingerprint());
            result.put("ephemeral", key.ephemeral());
            result.put("publicKey", step.dir + "/" + PUBLIC_KEY_FILE);
            result.put("files", new ArrayList<>(files));
            return result;
        }

        /** The key from the credentials (tracked as used by this run), or a fresh ephemeral one. */
        private RpmCore.Key key(Run<?, ?> run) throws IOException {
            if (step.ephemeral) {
                return RpmCore.ephemeralKey();
            }
            FileCredentials file = CredentialsProvider.findCredentialById(step.credentialsId, FileCredentials.class, run,
                    List.of());
            if (file == null) {
                throw new AbortException(Messages.RpmSignStep_CredentialsNotFound(step.credentialsId));
            }
            CredentialsProvider.track(run, file);
            char[] passphrase = null;
            if (step.passphraseCredentialsId != null) {
                StringCredentials secret = CredentialsProvider.findCredentialById(step.passphraseCredentialsId,
                        StringCredentials.class, run, List.of());
                if (secret == null) {
                    throw new AbortException(Messages.RpmSignStep_PassphraseNotFound(step.passphraseCredentialsId));
                }
                CredentialsProvider.track(run, secret);
                passphrase = secret.getSecret().getPlainText().toCharArray();
            }
            try (InputStream armored = file.getContent()) {
                return RpmCore.loadKey(armored, passphrase, "credential '" + step.credentialsId + "'");
            } catch (RpmException e) {
                throw new AbortException("rpmSign: " + e.getMessage());
            } finally {
                if (passphrase != null) {
                    Arrays.fill(passphrase, '\0');
                }
            }
        }
    }

    /** Agent side: the main header bytes of every *.rpm in the directory, by file name, in name order. */
    static final class ReadHeaders extends MasterToSlaveFileCallable<LinkedHashMap<String, byte[]>> {
        private static final long serialVersionUID = 1L;

        @Override
        public LinkedHashMap<String, byte[]> invoke(File dir, VirtualChannel channel) throws IOException {
            LinkedHashMap<String, byte[]> r = new LinkedHashMap<>();
            for (Path rpm : packages(dir)) {
                try {
                    r.put(rpm.getFileName().toString(), RpmCore.headerBytes(rpm));
                } catch (RpmException e) {
                    throw new AbortException("rpmSign: " + e.getMessage());
                }
            }
            return r;
        }
    }

    /** Agent side: writes each signature into its package (header unchanged since read) and the public key file. */
    static final class WriteSignatures extends MasterToSlaveFileCallable<List<Map<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final LinkedHashMap<String, byte[][]> signatures;
        private final String publicKeyFile;
        private final byte[] publicKey;

        WriteSignatures(LinkedHashMap<String, byte[][]> signatures, String publicKeyFile, byte[] publicKey) {
            this.signatures = signatures;
            this.publicKeyFile = publicKeyFile;
            this.publicKey = publicKey.clone();
        }

        @Override
        public List<Map<String, Object>> invoke(File dir, VirtualChannel channel) throws IOException {
            List<Map<String, Object>> r = new ArrayList<>();
            try {
                for (Map.Entry<String, byte[][]> e : signatures.entrySet()) {
                    Path rpm = dir.toPath().resolve(e.getKey());
                    r.add(RpmCore.applySignature(rpm, e.getValue()[0], e.getValue()[1]));
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
            return s.filter(p -> p.getFileName().toString().endsWith(".rpm") && Files.isRegularFile(p)).sorted().toList();
        }
    }
}
