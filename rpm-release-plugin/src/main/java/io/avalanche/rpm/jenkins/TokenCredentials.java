package io.avalanche.rpm.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.AbortException;
import hudson.model.Run;
import io.avalanche.rpm.RpmException;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The release key of rpmSign and rpmPublish when it lives in a PKCS#11 token attached to the controller: module and
 * labels from the step, the user PIN from a Secret text credential, the OpenPGP certificate from a File credential
 * (both tracked as used by the run). Only modules an administrator allowed may be loaded into the controller.
 */
final class TokenCredentials {
    /** System property listing the PKCS#11 modules (.so paths, colon-separated) steps may load on the controller. */
    static final String ALLOWED_MODULES = "io.avalanche.rpm.jenkins.pkcs11Modules";

    private TokenCredentials() {
    }

    /** A step's token settings; every field null when the step uses no token. */
    record Settings(String module, String token, String key, String pinCredentialsId, String certificateId) {
        boolean configured() {
            return module != null || token != null || key != null || pinCredentialsId != null || certificateId != null;
        }

        List<String> missing() {
            List<String> m = new ArrayList<>();
            if (module == null) {
                m.add("pkcs11Module");
            }
            if (token == null) {
                m.add("pkcs11Token");
            }
            if (key == null) {
                m.add("pkcs11Key");
            }
            if (pinCredentialsId == null) {
                m.add("pinCredentialsId");
            }
            if (certificateId == null) {
                m.add("certificateId");
            }
            return m;
        }
    }

    /** The parameter checks of {@link #load}, cheap enough to run before any file work. */
    static void check(String step, Settings s, String credentialsId, String passphraseCredentialsId, boolean ephemeral)
            throws AbortException {
        if (credentialsId != null || passphraseCredentialsId != null || ephemeral) {
            throw new AbortException(Messages.TokenCredentials_Conflict(step));
        }
        if (!s.missing().isEmpty()) {
            throw new AbortException(Messages.TokenCredentials_Incomplete(step, String.join(", ", s.missing())));
        }
        allowedModule(step, s.module());
    }

    /** Opens the token on the controller and binds the certificate; close the key when the step is done. */
    static RpmCore.Key load(Run<?, ?> run, String step, Settings s) throws IOException {
        Path module = allowedModule(step, s.module());
        StringCredentials pin = CredentialsProvider.findCredentialById(s.pinCredentialsId(), StringCredentials.class,
                run, List.of());
        if (pin == null) {
            throw new AbortException(Messages.TokenCredentials_PinNotFound(step, s.pinCredentialsId()));
        }
        FileCredentials cert = CredentialsProvider.findCredentialById(s.certificateId(), FileCredentials.class, run,
                List.of());
        if (cert == null) {
            throw new AbortException(Messages.TokenCredentials_CertificateNotFound(step, s.certificateId()));
        }
        CredentialsProvider.track(run, pin);
        CredentialsProvider.track(run, cert);
        char[] p = pin.getSecret().getPlainText().toCharArray();
        try (InputStream in = cert.getContent()) {
            return RpmCore.tokenKey(module, s.token(), s.key(), p, in, "credential '" + s.certificateId() + "'");
        } catch (RpmException e) {
            throw new AbortException(step + ": " + e.getMessage());
        } finally {
            Arrays.fill(p, '\0');
        }
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
        throw new AbortException(Messages.TokenCredentials_ModuleNotAllowed(step, module, ALLOWED_MODULES));
    }
}
