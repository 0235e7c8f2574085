package io.avalanche.rpm.cli;

import io.avalanche.rpm.NewFiles;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.sign.KeyRequest;
import io.avalanche.rpm.sign.Pkcs11Token;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.TokenKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code rpm-release keygen}: creates the release key inside a PKCS#11 token and exports its OpenPGP certificate. */
@Command(name = "keygen", mixinStandardHelpOptions = true)   // usage text: help/keygen.properties
final class KeygenCommand extends CliCommand {
    static final int BITS = 4096;
    private static final Pattern EXPIRES = Pattern.compile("(\\d+)([dwmy])");

    final Pkcs11TokenOptions token = new Pkcs11TokenOptions();

    @Option(names = "--user-id", required = true, paramLabel = "'NAME <EMAIL>'", description = "User ID of the key.")
    String userId;

    @Option(names = "--expires", defaultValue = "2y", paramLabel = "N{d|w|m|y}|never",
            description = "Validity of the key from now, at most ~136 years (default ${DEFAULT-VALUE}).")
    String expires;

    @Option(names = "--export-key", required = true, paramLabel = "FILE",
            description = "Where to write the armored public certificate (refused if it exists).")
    Path exportKey;

    KeygenCommand() {
    }

    /** With an explicit environment (the PIN variable) and standard input (tests). */
    KeygenCommand(Map<String, String> environment, InputStream stdin) {
        super(environment, stdin);
    }

    @Override
    void declare(CommandSpec s) {
        token.declare(s);
    }

    @Override
    public Integer call() throws Exception {
        KeyRequest.Token tk = token.token(null, environment()::get, stdin());
        tk.requireComplete();
        Duration validity = validity(expires);
        if (userId.isBlank()) {
            throw new SpecException("--user-id: give the key's user ID, e.g. 'Release Team <release@example.com>'");
        }
        if (Files.exists(exportKey)) {
            throw new SpecException("--export-key " + exportKey + ": the file exists; remove it or choose another name");
        }
        Path dir = exportKey.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new SpecException("--export-key " + exportKey + ": the directory does not exist");
        }
        char[] pin = tk.readPin();
        Pkcs11Token t;
        try {
            t = Pkcs11Token.open(tk.module(), tk.label(), pin, true);
        } finally {
            Arrays.fill(pin, '\0');
        }
        Path tmp = NewFiles.create(dir, "." + exportKey.getFileName() + ".", ".tmp");
        try (SigningKey key = TokenKeys.generate(t, tk.key(), BITS, userId, validity, Clock.systemUTC())) {
            key.exportPublicKey(tmp);
            Files.move(tmp, exportKey, StandardCopyOption.ATOMIC_MOVE);
            return print(List.of("generated RSA-" + key.bits() + " key '" + tk.key() + "' on PKCS#11 token '"
                    + tk.label() + "' (private, sensitive, never extractable)", "certificate "
                    + key.primaryFingerprint() + " for " + userId + ", expires "
                    + key.expiresAt().map(Object::toString).orElse("never") + ", written to " + exportKey), Main.OK);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * "2y", "18m", "6w", "90d" (a year is 365 days, a month 30) or "never" (null); at most what an OpenPGP key
     * expiration time holds ({@link TokenKeys#MAX_VALIDITY}, ~136 years).
     */
    static Duration validity(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("never") || v.equals("0")) {
            return null;
        }
        Matcher m = EXPIRES.matcher(v);
        String digits = m.matches() ? m.group(1).replaceFirst("^0+", "") : "";
        if (digits.isEmpty()) {
            throw new SpecException("--expires " + s + ": give N followed by d, w, m or y (e.g. 2y), or never");
        }
        long unit = switch (m.group(2)) {
            case "d" -> 1;
            case "w" -> 7;
            case "m" -> 30;
            default -> 365;
        };
        long max = TokenKeys.MAX_VALIDITY.toDays();
        // more digits than the limit has, or more days: refused before any arithmetic could overflow
        if (digits.length() > Long.toString(max).length() || Long.parseLong(digits) * unit > max) {
            throw new SpecException("--expires " + s + ": more than an OpenPGP key's expiration time holds (" + max
                    + " days, ~136 years, after its creation); give less, or never");
        }
        return Duration.ofDays(Long.parseLong(digits) * unit);
    }
}
