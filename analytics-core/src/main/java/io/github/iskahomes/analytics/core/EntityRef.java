package io.github.iskahomes.analytics.core;

import java.util.Objects;

/** One listing, user (lister) or development, by id. */
public record EntityRef(EntityKind kind, String id) {
    /** @throws NullPointerException if {@code kind} or {@code id} is null */
    public EntityRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    /** The listing with this id. */
    public static EntityRef listing(String id) {
        return new EntityRef(EntityKind.LISTING, id);
    }

    /** The user (lister or profile owner) with this id. */
    public static EntityRef user(String id) {
        return new EntityRef(EntityKind.USER, id);
    }

    /** The development with this id. */
    public static EntityRef development(String id) {
        return new EntityRef(EntityKind.DEVELOPMENT, id);
    }
}
