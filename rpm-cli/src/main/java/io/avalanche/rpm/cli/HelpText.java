package io.avalanche.rpm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.PropertyResourceBundle;
import java.util.ResourceBundle;

/**
 * A command's usage text (picocli's usage.description.N and usage.footer.N keys) from help/NAME.properties; loaded
 * only for the commands {@link Commands#hasHelpText} names, so the others start without it.
 */
final class HelpText {
    private HelpText() {
    }

    /**
     * Read straight from the CLI's jar: ResourceBundle.getBundle would first look for a class and for each locale's
     * variant through every jar of the class path.
     */
    static ResourceBundle of(String name) {
        String file = "help/" + name + ".properties";
        try (InputStream in = HelpText.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("the CLI's jar lacks " + file);
            }
            return new PropertyResourceBundle(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
