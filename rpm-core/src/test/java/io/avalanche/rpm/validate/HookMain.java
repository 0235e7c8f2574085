package io.avalanche.rpm.validate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Child JVM for the interrupt test: starts a container, prints its name, then waits to be killed. */
public final class HookMain {
    private HookMain() {
    }

    public static void main(String[] args) throws Exception {
        ContainerTarget.Engine e = new ContainerTarget.Engine(List.of("docker"), Map.of("DOCKER_HOST", args[0]),
                Duration.ofMinutes(2));
        ContainerTarget t = ContainerTarget.start(e, args[1], Path.of(args[2]));
        System.out.println("started " + t.name());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
