package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code pkcs11(module: '/usr/lib64/softhsm/libsofthsm.so', token: 'release', key: 'rpm', pinCredentialsId: 'pin',
 * certificateId: 'cert')}: the release key inside a PKCS#11 token attached to the controller. The module must be one
 * an administrator allowed (system property {@value #ALLOWED_MODULES}); the user PIN comes from a Secret text
 * credential, the key's OpenPGP certificate from a File credential. Every field is required.
 */
public final class Pkcs11Source extends SigningKeySource {
    /** System property listing the PKCS#11 modules (.so paths, colon-separated) steps may load on the controller. */
    static final String ALLOWED_MODULES = "io.avalanche.rpm.jenkins.pkcs11Modules";

    private final String module;
    private final String token;
    private final String key;
    private final String pinCredentialsId;
    private final String certificateId;

    @DataBoundConstructor
    public Pkcs11Source(String module, String token, String key, String pinCredentialsId, String certificateId) {
        this.module = Util.fixEmptyAndTrim(module);
        this.token = Util.fixEmptyAndTrim(token);
        this.key = Util.fixEmptyAndTrim(key);
        this.pinCredentialsId = Util.fixEmptyAndTrim(pinCredentialsId);
        this.certificateId = Util.fixEmptyAndTrim(certificateId);
        List<String> missing = new ArrayList<>();
        String[][] fields = {{"module", this.module}, {"token", this.token}, {"key", this.key},
            {"pinCredentialsId", this.pinCredentialsId}, {"certificateId", this.certificateId}};
        for (String[] f : fields) {
            if (f[1] == null) {
                missing.add(f[0]);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(Messages.Pkcs11Source_Incomplete(String.join(", ", missing)));
        }
    }

    public String getModule() {
        return module;
    }

    public String getToken() {
        return token;
    }

    public String getKey() {
        return key;
    }

    public String getPinCredentialsId() {
        return pinCredentialsId;
    }

    public String getCertificateId() {
        return certificateId;
    }

    @Override
    void check(String step, RpmCoreKeys.Use use) throws AbortException {
        allowedModule(step, module);
    }

    /** rpm-core's key rules cannot judge a token key named by credentials yet (KeyRequest takes file paths). */
    @Override
    RpmCoreKeys.Key unlock(Run<?, ?> run, String step, RpmCoreKeys.Use use) throws IOException {
        Path allowed = allowedModule(step, module);
        StringCredentials pin = credential(run, pinCredentialsId, StringCredentials.class,
                Messages.Pkcs11Source_PinNotFound(step, pinCredentialsId));
        FileCredentials cert = certificate(run, step);
        char[] p = pin.getSecret().getPlainText().toCharArray();
        try (InputStream in = cert.getContent()) {
            return RpmCoreKeys.tokenKey(allowed, token, key, p, in, "credential '" + certificateId + "'");
        } catch (RpmException e) {
            throw new AbortException(step + ": " + e.getMessage());
        } finally {
            Arrays.fill(p, '\0');
        }
    }

    /** The key's OpenPGP certificate (public): what validation pins; the token is not opened. */
    @Override
    byte[] publicKey(Run<?, ?> run, String step) throws IOException {
        try (InputStream in = certificate(run, step).getContent()) {
            return in.readAllBytes();
        }
    }

    /** The File credential with the token key's armored OpenPGP certificate, tracked as used by the run. */
    private FileCredentials certificate(Run<?, ?> run, String step) throws AbortException {
        return credential(run, certificateId, FileCredentials.class,
                Messages.Pkcs11Source_CertificateNotFound(step, certificateId));
    }

    @Override
    String pinLabel() {
        return "the certificate in credential '" + certificateId + "'";
    }

    /** The allowed module the step names (the administrator's path, not the step's spelling of it). */
    static Path allowedModule(String step, String module) throws AbortException {
        Path wanted = Path.of(module).toAbsolutePath().normalize();
        String allowed = System.getProperty(ALLOWED_MODULES, "");
        for (String a : allowed.split(":")) {
            if (!a.isBlank() && Path.of(a.trim()).toAbsolutePath().normalize().equals(wanted)) {
                return Path.of(a.trim());
            }
        }
        throw new AbortException(Messages.Pkcs11Source_ModuleNotAllowed(step, module, ALLOWED_MODULES));
    }

    @Override
    public String toString() {
        return "pkcs11(" + token + "/" + key + ")";
    }

    /** Describes {@code pkcs11(...)}: credentials dropdowns and the module check. */
    @Extension
    @Symbol("pkcs11")
    public static final class DescriptorImpl extends KeyDescriptor {
        public DescriptorImpl() {
            super(Messages::Pkcs11Source_DisplayName);
        }

        public ListBoxModel doFillPinCredentialsIdItems(@AncestorInPath Item item,
                                                        @QueryParameter String pinCredentialsId) {
            return Forms.credentials(item, pinCredentialsId, StringCredentials.class);
        }

        public ListBoxModel doFillCertificateIdItems(@AncestorInPath Item item, @QueryParameter String certificateId) {
            return Forms.credentials(item, certificateId, FileCredentials.class);
        }

        public FormValidation doCheckModule(@QueryParameter String value) {
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error(Messages.Pkcs11Source_Incomplete("module"));
            }
            try {
                allowedModule("pkcs11", value.trim());
                return FormValidation.ok();
            } catch (AbortException e) {
                return FormValidation.warning(e.getMessage());
            }
        }
    }
}
