package io.avalanche.rpm.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The list of subcommands; each is a picocli @Command class implementing Callable<Integer>. */
final class Commands {
    /** By name (each its @Command name, CommandsTest checks): one is made without reading the others' annotations. */
    private static final Map<String, Supplier<Object>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("package", PackageCommand::new);
        BY_NAME.put("inspect", InspectCommand::new);
        BY_NAME.put("build", BuildCommand::new);
        BY_NAME.put("sign", SignCommand::new);
        BY_NAME.put("verify", VerifyCommand::new);
        BY_NAME.put("publish", PublishCommand::new);
        BY_NAME.put("validate", ValidateCommand::new);
        BY_NAME.put("release", ReleaseCommand::new);
        BY_NAME.put("prune", PruneCommand::new);
        BY_NAME.put("yank", YankCommand::new);
        BY_NAME.put("unyank", UnyankCommand::new);
        BY_NAME.put("keygen", KeygenCommand::new);
    }

    private Commands() {
    }

    static List<Object> all() {
        List<Object> all = new ArrayList<>();
        BY_NAME.values().forEach(s -> all.add(s.get()));
        return all;
    }

    /** The subcommand called {@code name}, or null. */
    static Object named(String name) {
        Supplier<Object> s = BY_NAME.get(name);
        return s == null ? null : s.get();
    }
}
