-- Vehicles and their signals, payment methods, plans, promos and rides.

-- +goose Up
CREATE TABLE vehicles (
    id             TEXT PRIMARY KEY,
    subaccount_id  TEXT NOT NULL REFERENCES subaccounts(id),
    code           TEXT NOT NULL,
    imei           TEXT NOT NULL,
    model          TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    last_signal_at INTEGER,
    lat            REAL,
    lon            REAL,
    battery        INTEGER,
    created_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX vehicles_code ON vehicles (subaccount_id, code);
CREATE UNIQUE INDEX vehicles_imei ON vehicles (imei);

CREATE TABLE vehicle_signals (
    vehicle_id TEXT NOT NULL REFERENCES vehicles(id),
    at         INTEGER NOT NULL,
    lat        REAL NOT NULL,
    lon        REAL NOT NULL,
    battery    INTEGER NOT NULL
) STRICT;
CREATE INDEX vehicle_signals_by_time ON vehicle_signals (vehicle_id, at);

CREATE TABLE payment_methods (
    id                  TEXT PRIMARY KEY,
    customer_id         TEXT NOT NULL REFERENCES customers(id),
    brand               TEXT NOT NULL,
    last4               TEXT NOT NULL,
    exp_month           INTEGER NOT NULL,
    exp_year            INTEGER NOT NULL,
    is_default          INTEGER NOT NULL DEFAULT 0,
    verification_status TEXT NOT NULL,
    provider_ref        TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX payment_methods_customer ON payment_methods (customer_id);
CREATE UNIQUE INDEX payment_methods_one_default ON payment_methods (customer_id) WHERE is_default = 1;

CREATE TABLE subscriptions (
    id                TEXT PRIMARY KEY,
    customer_id       TEXT NOT NULL REFERENCES customers(id),
    package_name      TEXT NOT NULL,
    status            TEXT NOT NULL,
    start_date        INTEGER NOT NULL,
    end_date          INTEGER,
    billing_frequency TEXT NOT NULL,
    amount            INTEGER NOT NULL,
    rides_included    INTEGER NOT NULL,
    provider_ref      TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX subscriptions_customer ON subscriptions (customer_id);

CREATE TABLE package_purchases (
    id                TEXT PRIMARY KEY,
    customer_id       TEXT NOT NULL REFERENCES customers(id),
    package_name      TEXT NOT NULL,
    purchased_at      INTEGER NOT NULL,
    amount_paid       INTEGER NOT NULL,
    minutes_included  INTEGER NOT NULL,
    minutes_remaining INTEGER NOT NULL,
    expires_at        INTEGER
) STRICT;
CREATE INDEX package_purchases_customer ON package_purchases (customer_id);

CREATE TABLE promo_redemptions (
    id             TEXT PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers(id),
    subaccount_id  TEXT NOT NULL,
    code           TEXT NOT NULL,
    discount_type  TEXT NOT NULL,
    discount_value INTEGER NOT NULL,
    redeemed_at    INTEGER NOT NULL,
    applied_to     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX promo_redemptions_customer ON promo_redemptions (customer_id);

CREATE TABLE rides (
    id             TEXT PRIMARY KEY,
    subaccount_id  TEXT NOT NULL,
    customer_id    TEXT NOT NULL REFERENCES customers(id),
    vehicle_id     TEXT NOT NULL REFERENCES vehicles(id),
    status         TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    duration_s     INTEGER NOT NULL DEFAULT 0,
    distance_m     INTEGER NOT NULL DEFAULT 0,
    started_by     TEXT NOT NULL,
    price          INTEGER NOT NULL DEFAULT 0,
    discount       INTEGER NOT NULL DEFAULT 0,
    amount_charged INTEGER NOT NULL DEFAULT 0,
    charges        TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX rides_customer ON rides (customer_id, id);
-- One active ride per customer and per vehicle, whatever races.
CREATE UNIQUE INDEX rides_active_customer ON rides (customer_id) WHERE status = 'active';
CREATE UNIQUE INDEX rides_active_vehicle ON rides (vehicle_id) WHERE status = 'active';

-- Card charges of rides, to be collected by the payment integration.
CREATE TABLE card_charges (
    id                TEXT PRIMARY KEY,
    ride_id           TEXT NOT NULL REFERENCES rides(id),
    payment_method_id TEXT NOT NULL,
    amount            INTEGER NOT NULL,
    status            TEXT NOT NULL DEFAULT 'to_collect',
    created_at        INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE card_charges;
DROP TABLE rides;
DROP TABLE promo_redemptions;
DROP TABLE package_purchases;
DROP TABLE subscriptions;
DROP TABLE payment_methods;
DROP TABLE vehicle_signals;
DROP TABLE vehicles;
