//! Reporting units (townships) and their attributes (administrative villages, residents).
//!
//! ```
//! use fazhi::model::Units;
//! use polars::prelude::*;
//!
//! let frame = df!(
//!     "code" => ["SYN01", "SYN02"],
//!     "name" => ["合成甲镇", "合成乙乡"],
//!     "county" => ["合成东县", "合成东县"],
//!     "villages" => [12.0, 8.0],
//! ).unwrap();
//! let units = Units::from_frame(&frame, "<frame>").unwrap();
//! assert_eq!(units.resolve("合成乙乡").map(|u| u.code.as_str()), Some("SYN02"));
//! assert_eq!(units.get("SYN01").unwrap().attribute("villages"), Some(12.0));
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::io::{column_as_text, read_table_sheet};

/// One reporting government.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
    /// The group it is compared within (county, 县/市/区).
    pub county: Option<String>,
    /// Numeric attributes: `villages`, `residents`, and any other column of the unit table.
    pub attributes: BTreeMap<String, f64>,
}

impl Unit {
    pub fn attribute(&self, name: &str) -> Option<f64> {
        self.attributes.get(name).copied()
    }
}

/// The unit table: codes, names, counties and attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Units {
    pub units: Vec<Unit>,
    #[serde(skip)]
    lookup: HashMap<String, usize>,
    /// Names that more than one unit carries (城关镇 in two counties), with those units: a name
    /// that is not unique resolves to nothing, and [`Units::resolve_or_why`] says why.
    #[serde(skip)]
    shared_names: HashMap<String, Vec<usize>>,
}

const CODE_HEADERS: &[&str] = &["code", "unit", "unit_code", "代码", "编码", "单位代码", "乡镇代码"];
const NAME_HEADERS: &[&str] = &["name", "unit_name", "名称", "乡镇", "乡镇名称", "乡镇（街道）", "乡镇(街道)", "单位名称"];
const COUNTY_HEADERS: &[&str] = &["county", "group", "县", "县区", "县市区", "所属县", "所属县（市、区）", "区县"];
const ATTRIBUTE_ALIASES: &[(&str, &str)] = &[
    ("行政村数", "villages"),
    ("村数", "villages"),
    ("行政村", "villages"),
    ("常住人口", "residents"),
    ("人口", "residents"),
    ("户籍人口", "residents"),
];

impl Units {
    /// Reads a unit table from a CSV/Parquet/JSON file or the first sheet of a spreadsheet.
    pub fn read(path: impl AsRef<Path>, encoding: Option<&str>) -> Result<Self> {
        Self::read_sheet(path, encoding, None)
    }

    /// As [`Units::read`], choosing the sheet of a spreadsheet by name (the first when `None`).
    pub fn read_sheet(path: impl AsRef<Path>, encoding: Option<&str>, sheet: Option<&str>) -> Result<Self> {
        let table = read_table_sheet(path, encoding, sheet)?;
        Self::from_frame_at(&table.frame, &table.file, table.header_rows)
    }

    /// Builds the table from a frame with columns `code`, `name`, optional `county` and numeric
    /// attribute columns (Chinese headers such as 乡镇, 行政村数, 常住人口 are understood).
    pub fn from_frame(frame: &DataFrame, origin: &str) -> Result<Self> {
        Self::from_frame_at(frame, origin, 1)
    }

    fn from_frame_at(frame: &DataFrame, origin: &str, header_rows: usize) -> Result<Self> {
        let find =
            |names: &[&str]| frame.get_column_names().into_iter().find(|c| names.contains(&c.trim().to_lowercase().as_str())).cloned();
        let code_col = find(CODE_HEADERS);
        let name_col = find(NAME_HEADERS);
        let Some(key_col) = code_col.clone().or_else(|| name_col.clone()) else {
            return Err(Error::input(Location::file(origin), "the unit table needs a `code` or `name` column (乡镇/名称)"));
        };
        let county_col = find(COUNTY_HEADERS);
        let keys = column_as_text(frame.column(&key_col)?)?;
        let names = match &name_col {
            Some(c) => column_as_text(frame.column(c)?)?,
            None => keys.clone(),
        };
        let counties = match &county_col {
            Some(c) => Some(column_as_text(frame.column(c)?)?),
            None => None,
        };
        let used: Vec<&PlSmallStr> = [Some(&key_col), name_col.as_ref(), county_col.as_ref()].into_iter().flatten().collect();
        let mut attribute_cols: Vec<(String, Vec<Option<String>>)> = Vec::new();
        for col in frame.columns() {
            if used.contains(&col.name()) {
                continue;
            }
            let header = col.name().trim().to_string();
            let name = ATTRIBUTE_ALIASES.iter().find(|(zh, _)| *zh == header).map_or(header.to_lowercase(), |(_, en)| en.to_string());
            attribute_cols.push((name, column_as_text(col)?));
        }
        let mut units = Vec::with_capacity(frame.height());
        for (i, key) in keys.iter().enumerate() {
            let row = i + 1 + header_rows;
            let at = || Location::file(origin).with_row(row);
            let code = key
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| Error::input(at().with_column(key_col.as_str()), "the unit code is empty; every unit needs a code"))?;
            let name = names[i].as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(code);
            let county = counties.as_ref().and_then(|c| c[i].as_deref()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
            let mut attributes = BTreeMap::new();
            for (attr, values) in &attribute_cols {
                let Some(text) = values[i].as_deref().map(str::trim).filter(|s| !s.is_empty()) else { continue };
                let x = crate::model::parse_value(text)
                    .ok()
                    .filter(|v| v.interval.qualifier == crate::model::Qualifier::Exact)
                    .map(|v| v.interval.point)
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .ok_or_else(|| {
                        Error::input(
                            at().with_column(attr.as_str()),
                            format!(
                                "unit attribute {attr} = {text:?} is not a non-negative number; write a plain number or leave it empty"
                            ),
                        )
                    })?;
                attributes.insert(attr.clone(), x);
            }
            units.push(Unit { code: code.to_string(), name: name.to_string(), county, attributes });
        }
        Self::new(units, origin)
    }

    /// Builds the table from units; codes must be unique.
    pub fn new(units: Vec<Unit>, origin: &str) -> Result<Self> {
        let mut lookup = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            if lookup.insert(u.code.clone(), i).is_some() {
                return Err(Error::input(
                    Location::file(origin),
                    format!("unit code {} appears twice in the unit table; codes must be unique", u.code),
                ));
            }
        }
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            by_name.entry(u.name.as_str()).or_default().push(i);
        }
        let mut shared_names = HashMap::new();
        for (name, ids) in by_name {
            // A code always means its own unit, even when another unit is named like it.
            if lookup.contains_key(name) {
                continue;
            }
            if ids.len() == 1 {
                lookup.insert(name.to_string(), ids[0]);
            } else {
                shared_names.insert(name.to_string(), ids);
            }
        }
        Ok(Self { units, lookup, shared_names })
    }

    /// The unit with this code or name (trimmed, invisible characters removed). A name that
    /// several units share resolves to none of them.
    pub fn resolve(&self, code_or_name: &str) -> Option<&Unit> {
        self.lookup.get(crate::normalize::clean_key(code_or_name).as_ref()).map(|&i| &self.units[i])
    }

    /// As [`Units::resolve`], or why not: unknown, or a name several units share (with their
    /// codes and counties, so the message can say which code to use).
    pub fn resolve_or_why(&self, code_or_name: &str) -> std::result::Result<&Unit, String> {
        let key = crate::normalize::clean_key(code_or_name);
        if let Some(u) = self.resolve(&key) {
            return Ok(u);
        }
        match self.shared_names.get(key.as_ref()) {
            Some(ids) => {
                let which: Vec<String> = ids
                    .iter()
                    .map(|&i| {
                        let u = &self.units[i];
                        match &u.county {
                            Some(c) => format!("{} in {c}", u.code),
                            None => u.code.clone(),
                        }
                    })
                    .collect();
                Err(format!(
                    "the unit name {key:?} belongs to {} units of the unit table ({}); write the unit's code instead",
                    ids.len(),
                    which.join(", ")
                ))
            }
            None => Err(format!("unit {key:?} is not in the unit table; add it there or fix the code/name")),
        }
    }

    /// The unit with this code.
    pub fn get(&self, code: &str) -> Option<&Unit> {
        self.resolve(code).filter(|u| u.code == code)
    }

    /// The position in [`Units::units`] of the unit with this code.
    pub fn position(&self, code: &str) -> Option<usize> {
        self.lookup.get(code).copied().filter(|&i| self.units[i].code == code)
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The table as a frame: code, name, county, then one column per attribute.
    pub fn frame(&self) -> Result<DataFrame> {
        let mut attrs: Vec<&String> = self.units.iter().flat_map(|u| u.attributes.keys()).collect();
        attrs.sort();
        attrs.dedup();
        let mut columns: Vec<Column> = vec![
            Column::new("code".into(), self.units.iter().map(|u| u.code.as_str()).collect::<Vec<_>>()),
            Column::new("name".into(), self.units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>()),
            Column::new("county".into(), self.units.iter().map(|u| u.county.as_deref()).collect::<Vec<_>>()),
        ];
        for a in attrs {
            columns.push(Column::new(a.as_str().into(), self.units.iter().map(|u| u.attribute(a)).collect::<Vec<_>>()));
        }
        Ok(DataFrame::new_infer_height(columns)?)
    }
}
