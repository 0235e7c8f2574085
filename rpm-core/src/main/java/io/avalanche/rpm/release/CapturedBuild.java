package io.avalanche.rpm.release;

import io.avalanche.rpm.ExitCleanup;
import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.ProgressReporter;
import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.write.ElfArchCheck;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.RpmWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One arch's build outputs, copied privately into a scratch directory and checked (an ELF binary of another arch is
 * refused), to package from there: the next build may overwrite the tree's outputs meanwhile. Close to delete them.
 */
final class CapturedBuild implements AutoCloseable {
    private final ReleaseBuilder.Plan plan;
    private final Path inputs;
    private final ExitCleanup.Registration scratch;
    private final Path avalanchego;
    private final Path plugin;

    private CapturedBuild(ReleaseBuilder.Plan plan, Path inputs, ExitCleanup.Registration scratch, Path avalanchego,
                          Path plugin) {
        this.plan = plan;
        this.inputs = inputs;
        this.scratch = scratch;
        this.avalanchego = avalanchego;
        this.plugin = plugin;
    }

    /** The outputs of {@code plan}'s build, copied into a scratch directory under {@code dir}. */
    static CapturedBuild of(ReleaseBuilder.Plan plan, Path dir) {
        Path inputs;
        try {
            Files.createDirectories(dir);
            inputs = Files.createTempDirectory(dir, ".rpm-release-inputs-");
        } catch (IOException e) {
            throw new RpmException(dir + ": " + IoErrors.why(e), e);
        }
        ExitCleanup.Registration scratch = ExitCleanup.directory(inputs);
        try {
            // private copies, read once without following a link: the bytes checked are the bytes packaged
            Path avalanchego = checked(plan.tree().root(), SourceTree.AVALANCHEGO_OUTPUT, inputs, plan.arch());
            Path plugin = checked(plan.tree().root(), SourceTree.PLUGIN_OUTPUT, inputs, plan.arch());
            return new CapturedBuild(plan, inputs, scratch, avalanchego, plugin);
        } catch (RuntimeException | Error e) {
            OutputDir.deleteTree(inputs);
            scratch.close();
            throw e;
        }
    }

    /** The private copy of a build output, refused when it is an ELF binary of another arch (naming the output). */
    private static Path checked(Path root, String output, Path inputs, Arch arch) {
        Path copy = BuildOutput.capture(root, output, inputs);
        try {
            ElfArchCheck.require(copy, arch);
        } catch (SpecException e) {
            throw new SpecException(e.getMessage().replace(copy.toString(), root.resolve(output).toString()), e);
        }
        return copy;
    }

    /** Packages the outputs into {@code dir}, signing each package as it is written when {@code signer} is given. */
    ReleaseManifest packageInto(Compression compression, Path dir, Consumer<String> log, ProgressReporter progress,
                                RpmWriter.SignatureFiller signer) {
        return ReleaseBuilder.packageCopies(plan, compression, dir, log, progress, signer, avalanchego, plugin);
    }

    /** Deletes the copies. */
    @Override
    public void close() {
        OutputDir.deleteTree(inputs);
        scratch.close();
    }
}
