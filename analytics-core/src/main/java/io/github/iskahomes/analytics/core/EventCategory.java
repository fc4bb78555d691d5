package io.github.iskahomes.analytics.core;

/** The seed's groups of event types. */
public enum EventCategory {
    PROPERTY, IMPRESSION, LEAD, PROFILE, DEVELOPMENT, SYSTEM
}
