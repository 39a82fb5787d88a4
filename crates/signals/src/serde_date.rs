//! Serde for [`time::Date`] as `YYYY-MM-DD` without enabling `time`'s serde
//! feature for the whole workspace.

use serde::{Deserialize, Deserializer, Serializer};
use time::Date;
use time::format_description::well_known::Iso8601;
use time::macros::format_description;

pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    let text = d
        .format(format_description!("[year]-[month]-[day]"))
        .map_err(serde::ser::Error::custom)?;
    s.serialize_str(&text)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).map_err(serde::de::Error::custom)
}

/// Parses `YYYY-MM-DD`.
pub fn parse(text: &str) -> Result<Date, time::error::Parse> {
    Date::parse(text.trim(), &Iso8601::DATE)
}

/// A list of dates.
pub mod vec {
    use super::*;
    use serde::ser::SerializeSeq;

    pub fn serialize<S: Serializer>(v: &[Date], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for d in v {
            let text = d
                .format(format_description!("[year]-[month]-[day]"))
                .map_err(serde::ser::Error::custom)?;
            seq.serialize_element(&text)?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        texts
            .iter()
            .map(|t| parse(t).map_err(serde::de::Error::custom))
            .collect()
    }
}
