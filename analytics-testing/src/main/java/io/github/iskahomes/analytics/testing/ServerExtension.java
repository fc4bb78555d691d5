package io.github.iskahomes.analytics.testing;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Shared logic of the three extensions: resolve one handle per test (method context), cached in the JUnit store
 * so the constructor, {@code @BeforeEach} methods and the test method all receive the same handle, and disposed
 * when the test's context closes.
 */
abstract class ServerExtension<T> implements ParameterResolver {

    private static final ExtensionContext.Namespace ROOT = ExtensionContext.Namespace.create(ServerExtension.class);

    private final Class<T> type;
    private final Supplier<T> factory;
    private final Consumer<T> disposer;
    private final ExtensionContext.Namespace namespace;

    ServerExtension(Class<T> type, Supplier<T> factory, Consumer<T> disposer) {
        this.type = type;
        this.factory = factory;
        this.disposer = disposer;
        this.namespace = ExtensionContext.Namespace.create(ServerExtension.class, type);
    }

    /** Constructor injection sees the test method's context, so a per-method instance gets per-method isolation. */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == type;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        extensionContext.getRoot().getStore(ROOT).getOrComputeIfAbsent(StopAtEnd.class, k -> new StopAtEnd(),
                StopAtEnd.class);
        // The store looks up parent contexts too: with PER_CLASS lifecycle the handle made for the constructor
        // (class context) is reused by every method of that instance.
        Handle<?> handle = extensionContext.getStore(namespace)
                .getOrComputeIfAbsent(type, k -> new Handle<>(factory.get(), disposer), Handle.class);
        return handle.value;
    }

    /** Stops the shared servers when the test plan ends (JUnit closes the root store last). */
    private static final class StopAtEnd implements AutoCloseable {
        @Override
        public void close() {
            SharedServers.closeAll();
        }
    }

    /** Closed by JUnit when the context that owns it ends (JUnit closes AutoCloseable store values). */
    private static final class Handle<T> implements AutoCloseable {
        final T value;
        private final Consumer<T> disposer;

        Handle(T value, Consumer<T> disposer) {
            this.value = value;
            this.disposer = disposer;
        }

        @Override
        public void close() {
            disposer.accept(value);
        }
    }
}
