package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What a host can reach in the package root: the few types it touches, none of whose signatures names plumbing. */
class PublicApiTest {
    private static final String PACKAGE = Ingestor.class.getPackageName();

    @Test
    void thePackageRootExposesOnlyTheHostsTypes() throws Exception {
        TreeSet<String> names = new TreeSet<>();
        for (Class<?> type : publicTypes()) {
            names.add(type.getName().substring(PACKAGE.length() + 1));
        }
        assertThat(names).containsExactly("AnalyticsReader", "AnalyticsReader$DayWatch", "EntityDay", "IngestBatch",
                "IngestHandler", "IngestHandler$Request", "IngestHandler$Response", "IngestHandlerConfig",
                "IngestHandlerConfig$Builder", "IngestResult", "IngestResult$Rejection", "Ingestor", "IngestorConfig",
                "IngestorConfig$Builder", "IngestorListener", "LeadState");
    }

    @Test
    void noPublicSignatureNamesAnInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : publicTypes()) {
            // Every overload of a public method counts, whatever its access: javac reads all their signatures where a
            // host calls one, and fails on a module path that cannot see a type one of them names.
            Set<String> publicNames = new HashSet<>();
            for (Method method : type.getDeclaredMethods()) {
                if (exposed(method.getModifiers())) {
                    publicNames.add(method.getName());
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (publicNames.contains(method.getName()) && !method.isSynthetic()) {
                    check(leaks, method, Stream.concat(Stream.of(method.getGenericReturnType()), types(method)));
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (exposed(constructor.getModifiers())) {
                    check(leaks, constructor, types(constructor));
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (exposed(field.getModifiers())) {
                    check(leaks, field, Stream.of(field.getGenericType()));
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static void check(List<String> leaks, Object member, Stream<Type> types) {
        if (types.map(Type::getTypeName).anyMatch(name -> name.contains(".internal."))) {
            leaks.add(member.toString());
        }
    }

    private static Stream<Type> types(Executable executable) {
        return Stream.concat(Stream.of(executable.getGenericParameterTypes()),
                Stream.of(executable.getGenericExceptionTypes()));
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** The public types of the package root, nested ones included, read from the compiled classes. */
    private static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Ingestor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve(PACKAGE.replace('.', '/')))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String simple = file.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName(PACKAGE + "." + simple, false, PublicApiTest.class.getClassLoader());
                if (isReachable(type)) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    private static boolean isReachable(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isSynthetic()) {
                return false;
            }
        }
        return true;
    }
}
