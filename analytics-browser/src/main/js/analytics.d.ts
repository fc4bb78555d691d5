// Type declarations of analytics.js (Iska Homes listing analytics, the browser batcher). Apache-2.0.

/** Ids are strings (numbers are accepted and sent as given); at most 128 characters, no whitespace or braces. */
export type Id = string | number;
export type ListerType = 'developer' | 'agent' | 'agency' | 'property_manager';
/** Any other property is sent along (and kept by PostHog); the server ignores what it does not read. */
export interface Extra { [property: string]: unknown; seeker_id?: Id; }
export interface ListerProps extends Extra { lister_id?: Id; lister_type?: ListerType; }

export interface PropertyViewProps extends ListerProps {
  listing_id: Id; viewed_from?: 'home' | 'explore' | 'search' | 'direct' | string; is_logged_in?: boolean;
  development_id?: Id;
}
export interface ListingImpressionProps extends ListerProps { listing_id: Id; viewed_from?: string; position?: number; }
export interface ImpressionProps extends ListerProps { listing_id: Id; platform?: string; }
export interface LeadProps extends ListerProps {
  listing_id: Id; development_id?: Id; context?: string; message?: string; appointment_at?: string;
}
export interface ProfileViewProps extends Extra { profile_id: Id; user_type: ListerType; viewed_from?: string; }
export interface DevelopmentProps extends Extra {
  development_id: Id; developer_id?: Id; viewed_from?: 'home' | 'listings' | 'search' | string;
  is_logged_in?: boolean; platform?: string; interaction_type?: string;
}
export interface ListingChangeProps extends Extra { listing_id: Id; lister_id: Id; lister_type: ListerType; development_id?: Id; }
export interface ListingUpdateProps extends ListerProps { listing_id: Id; }
export interface UserProps extends Extra { user_type?: ListerType; }
export interface DevelopmentCreatedProps extends Extra { development_id: Id; developer_id?: Id; }
export type LeadKind = 'phone' | 'message' | 'email' | 'appointment';

/** What posthog-js offers that the dual write uses. */
export interface PostHogLike {
  capture(event: string, properties?: Record<string, unknown>, options?: { uuid?: string; timestamp?: Date }): unknown;
  get_distinct_id?(): string;
}

export interface AnalyticsOptions {
  /** The ingest URL, e.g. "/api/ingest/posthog" or "https://analytics.example.com/api/ingest/posthog". */
  endpoint: string;
  /** The webhook secret, sent as the body's api_key (it ships to browsers: it only lets pages write events). */
  secret?: string;
  /** A posthog-js instance for the dual write; default window.posthog when it exists. */
  posthog?: PostHogLike;
  /** The distinct_id of every event (or a function giving it); default posthog's, else an anonymous id. */
  distinctId?: string | (() => string);
  /** Send when this many events wait (default 200); also the most events per request. */
  flushAt?: number;
  /** Send what waits this often, in ms (default 3000). */
  flushIntervalMs?: number;
  /** The most events kept waiting (default 1000); beyond it the oldest are dropped and counted. */
  maxQueue?: number;
  /** The most bytes of JSON kept waiting (default 262144); beyond it the oldest are dropped and counted. */
  maxQueueBytes?: number;
  /** The largest beacon body (default 60000; browsers allow 64 KiB in flight per page). */
  beaconBytes?: number;
  /** First retry delay in ms, doubled per failure with jitter (default 1000), capped at retryMaxMs (default 60000). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** gzip requests with CompressionStream where the browser has it (default true; beacons are never compressed). */
  gzip?: boolean;
  /** Keep unsent events in localStorage across reloads (default true). */
  persist?: boolean;
  /** Keep events in memory only, send nothing and store nothing until optIn() (default false). */
  requireConsent?: boolean;
  /** Track nothing when the browser sends Do Not Track or Global Privacy Control (default false). */
  respectDoNotTrack?: boolean;
  /** Told about refused events and failures (default: console.warn). */
  onError?: (error: Error) => void;
}

export interface AnalyticsStats {
  /** Events waiting or in flight. */
  queued: number;
  /** Events the server confirmed (ingested, or recognised as duplicates). */
  sent: number;
  /** Events dropped, oldest first, because the buffer was full. */
  dropped: number;
  /** Events refused: by this script (a required property missing) or by the server (listed in its answer, or a
   *  4xx, which is never retried). */
  rejected: number;
  /** Tries that failed and were retried (network error, 429, 5xx). */
  retries: number;
}

export interface Analytics {
  /** Tracks any event and returns its uuid, or null when it is not tracked: Do Not Track, opted out, closed, or a
   *  catalogued event without a required property (then counted as rejected and reported to onError, as
   *  "property_view: listing_id is missing"). Never throws. Names outside the catalogue go to PostHog only. */
  track(event: string, properties?: Record<string, unknown>): string | null;
  trackPropertyView(properties: PropertyViewProps): string | null;
  trackListingImpression(properties: ListingImpressionProps): string | null;
  trackImpressionSocialMedia(properties: ImpressionProps): string | null;
  trackImpressionWebsiteVisit(properties: ImpressionProps): string | null;
  trackImpressionShare(properties: ImpressionProps): string | null;
  trackImpressionSavedListing(properties: ImpressionProps): string | null;
  /** lead_phone, lead_message, lead_email or lead_appointment. */
  trackLead(kind: LeadKind, properties: LeadProps): string | null;
  trackLeadPhone(properties: LeadProps): string | null;
  trackLeadMessage(properties: LeadProps): string | null;
  trackLeadEmail(properties: LeadProps): string | null;
  trackLeadAppointment(properties: LeadProps): string | null;
  trackProfileView(properties: ProfileViewProps): string | null;
  trackDevelopmentView(properties: DevelopmentProps): string | null;
  trackDevelopmentShare(properties: DevelopmentProps): string | null;
  trackDevelopmentSaved(properties: DevelopmentProps): string | null;
  trackDevelopmentSocialClick(properties: DevelopmentProps): string | null;
  trackDevelopmentInteraction(properties: DevelopmentProps): string | null;
  trackListingCreated(properties: ListingChangeProps): string | null;
  trackListingUpdated(properties: ListingUpdateProps): string | null;
  trackListingDeleted(properties: ListingChangeProps): string | null;
  trackUserLoggedIn(properties?: UserProps): string | null;
  trackUserLoggedOut(properties?: UserProps): string | null;
  trackDevelopmentCreated(properties: DevelopmentCreatedProps): string | null;
  /** Sends what waits now; resolves once the server confirmed it (retrying as long as it takes). */
  flush(): Promise<void>;
  /** Sets the distinct_id of the events tracked from now on. */
  identify(distinctId: string): void;
  /** Consent given: sends what waited, and from now on. */
  optIn(): Promise<void>;
  /** Consent refused or withdrawn: drops what waits and stored, tracks nothing more. */
  optOut(): void;
  stats(): AnalyticsStats;
  /** Beacons what waits and stops: no timer, no listeners. */
  close(): void;
}

export function createAnalytics(options: AnalyticsOptions): Analytics;
/** A UUIDv7 for the given Unix milliseconds (default now). */
export function uuidv7(ms?: number): string;
