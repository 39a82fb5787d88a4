-- Location history: when an import changes an address (position, status, use,
-- area, …), the version it replaces is kept here with the time it was valid.
CREATE TABLE address_history (
    address_id TEXT NOT NULL,
    x DOUBLE PRECISION NOT NULL,
    y DOUBLE PRECISION NOT NULL,
    gemeente_code TEXT NOT NULL,
    straat TEXT NOT NULL,
    huisnummer BIGINT NOT NULL,
    huisletter TEXT,
    postcode TEXT,
    woonplaats TEXT NOT NULL,
    gebruiksdoel TEXT NOT NULL,
    oppervlakte BIGINT NOT NULL,
    bouwjaar BIGINT,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_until BIGINT NOT NULL
);
CREATE INDEX address_history_address_idx ON address_history (address_id, valid_until);
