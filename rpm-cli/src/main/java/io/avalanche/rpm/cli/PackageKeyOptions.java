package io.avalanche.rpm.cli;

import io.avalanche.rpm.sign.KeyRequest;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.InputStream;
import java.util.function.Function;

/**
 * The key options of sign, package and release: the key that signs packages, as {@link KeyOptions} or a throw-away key
 * (--ephemeral). rpm-core decides what the options mean ({@code KeyChoice.of}).
 */
final class PackageKeyOptions extends KeyOptions {
    private OptionSpec ephemeral;

    @Override
    void declare(CommandSpec s) {
        super.declare(s);
        ephemeral = CommandModel.add(s, CommandModel.flag("Sign with a fresh RSA-4096 key that expires in 1 day,"
                + " exported beside the packages (trials only: refused by sign --release and for s3:// destinations).",
                "--ephemeral"));
    }

    /** The key options as given. */
    KeyRequest request(Function<String, String> environment, InputStream stdin) {
        return request(CommandModel.isSet(ephemeral), null, environment, stdin);
    }
}
