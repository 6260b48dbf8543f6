//! The scoring options `Panel.score`, `Panel.uncertainty` and `Panel.sensitivity` share: each
//! parsed once, by its `FromPyObject` type, and built into [`ScoreOptions`] by one function,
//! [`ScoreArgs::build`].

use std::sync::Arc;

use pyo3::conversion::FromPyObjectOwned;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use super::args;
use super::arrow::from_py_arg;
use super::errors::{ArgumentError, to_py_err};
use super::run::guard;
use super::targets::TargetsArg;
use crate::model::{Catalogue, Kind};
use crate::panel::Panel;
use crate::scoring::{Aggregate, Impute, Normalise, Scope, ScoreOptions, Weights};

fn arg_err(message: impl Into<String>) -> PyErr {
    ArgumentError::new_err(message.into())
}

name_arg!(
    /// `normalise=`: a normalisation name ("minmax", "goalposts", "target", "zscore", "rank").
    NormaliseArg(Normalise), "normalise", "a normalisation name (str) or a list of them"
);
name_arg!(
    /// `scope=`: the comparison set of the normalisation ("year", "global", "group").
    ScopeArg(Scope), "scope", "\"year\", \"global\" or \"group\""
);

/// `aggregate=`: `"arithmetic"` or `("geometric", "arithmetic")` (indicator → dimension,
/// dimension → composite).
pub(super) struct AggregateArg(pub(super) (Aggregate, Aggregate));

impl<'a, 'py> FromPyObject<'a, 'py> for AggregateArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let parse = |name: &str| Aggregate::parse(name).map_err(to_py_err);
        guard(|| {
            if let Ok(one) = obj.extract::<String>() {
                let a = parse(&one)?;
                return Ok(Self((a, a)));
            }
            let (a, b): (String, String) = args::extract(
                &obj,
                "aggregate",
                "a method name (\"arithmetic\", \"geometric\", \"minimum\") or a pair of them (dimension level, composite level)",
            )?;
            Ok(Self((parse(&a)?, parse(&b)?)))
        })
    }
}

/// `impute=`: None, `"carry_forward"`, `("carry_forward", k)` or `"group_median"`.
pub(super) struct ImputeArg(pub(super) Impute);

impl<'a, 'py> FromPyObject<'a, 'py> for ImputeArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let parse = |text: &str| Impute::parse(text).map(Self).map_err(to_py_err);
        guard(|| {
            if obj.is_none() {
                return Ok(Self(Impute::None));
            }
            if let Ok(text) = obj.extract::<String>() {
                return parse(&text);
            }
            if let Ok((name, k)) = obj.extract::<(String, u32)>() {
                return parse(&format!("{name}:{k}"));
            }
            Err(args::wrong("impute", "None, \"carry_forward\", (\"carry_forward\", k) or \"group_median\"", &obj))
        })
    }
}

/// `kinds=`: "output", "outcome" or a list of them.
pub(super) struct KindsArg(pub(super) Vec<Kind>);

impl<'a, 'py> FromPyObject<'a, 'py> for KindsArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            let names: Vec<String> = args::one_or_list(&obj, "kinds", "\"output\", \"outcome\" or a list of them")?;
            names
                .iter()
                .map(|n| match n.as_str() {
                    "output" => Ok(Kind::Output),
                    "outcome" => Ok(Kind::Outcome),
                    other => Err(arg_err(format!("kinds must be \"output\" and/or \"outcome\", got {other:?}"))),
                })
                .collect::<PyResult<Vec<_>>>()
                .map(Self)
        })
    }
}

/// `weights=`: a mapping {code: weight} or a frame with columns code, weight (and optionally
/// level); [`WeightsArg::resolve`] tells dimensions from indicators with the catalogue.
pub(super) struct WeightsArg(Vec<(String, f64, Option<String>)>);

impl<'a, 'py> FromPyObject<'a, 'py> for WeightsArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            if let Ok(d) = obj.cast::<PyDict>() {
                let mut out = Vec::new();
                for (k, v) in d.iter() {
                    let key: String = args::extract(&k, "a weights key", "an indicator or dimension code (str)")?;
                    let value: f64 = args::extract(&v, &format!("the weight of {key:?}"), "a number")?;
                    out.push((key, value, None));
                }
                return Ok(Self(out));
            }
            let frame = from_py_arg(&obj, "weights")
                .map_err(|_| args::wrong("weights", "a dict {code: weight} or a polars DataFrame with columns code, weight", &obj))?;
            let code = frame
                .column("code")
                .and_then(|c| c.str().cloned())
                .map_err(|_| arg_err("the weights frame needs a string column \"code\""))?;
            let weight = frame
                .column("weight")
                .and_then(|c| c.cast(&polars::prelude::DataType::Float64))
                .map_err(|_| arg_err("the weights frame needs a numeric column \"weight\""))?;
            let weight = weight.f64().map_err(|e| to_py_err(e.into()))?.clone();
            let level = frame.column("level").ok().and_then(|c| c.str().ok().cloned());
            (0..frame.height())
                .map(|i| {
                    let c = code.get(i).ok_or_else(|| arg_err(format!("weights row {}: code is empty", i + 1)))?;
                    let x = weight.get(i).ok_or_else(|| arg_err(format!("weights row {} ({c}): weight is empty", i + 1)))?;
                    Ok((c.to_string(), x, level.as_ref().and_then(|l| l.get(i)).map(str::to_string)))
                })
                .collect::<PyResult<_>>()
                .map(Self)
        })
    }
}

impl WeightsArg {
    /// A code that names a dimension weighs the dimension; anything else an indicator.
    fn resolve(self, catalogue: &Catalogue) -> PyResult<Weights> {
        let mut w = Weights::default();
        for (code, value, level) in self.0 {
            let is_dim = match level.as_deref() {
                Some("dimension") => true,
                Some("indicator") => false,
                Some(other) => return Err(arg_err(format!("weights level must be dimension or indicator, got {other:?}"))),
                None => catalogue.dimensions.iter().any(|d| d.code == code) && catalogue.resolve(&code).is_none(),
            };
            if is_dim {
                w.dimensions.insert(code, value);
            } else {
                w.indicators.insert(code, value);
            }
        }
        Ok(w)
    }
}

/// An option of which `uncertainty` and `sensitivity` take a list of choices to draw from.
pub(super) trait Choice {
    type Value;
    /// The argument's name and what it may be, for the error of a value that is neither one
    /// choice nor a list of them.
    const NAME: &'static str;
    const EXPECTED: &'static str;
    fn value(self) -> Self::Value;
}

/// `impl Choice for $arg`: the value it holds, its name and the list it may be.
macro_rules! choice {
    ($arg:ty => $value:ty, $name:literal, $expected:literal) => {
        impl Choice for $arg {
            type Value = $value;
            const NAME: &'static str = $name;
            const EXPECTED: &'static str = $expected;
            fn value(self) -> $value {
                self.0
            }
        }
    };
}

choice!(NormaliseArg => Normalise, "normalise", "a normalisation name or a list of them");
choice!(AggregateArg => (Aggregate, Aggregate), "aggregate", "an aggregation, a pair or a list of them");
choice!(ImputeArg => Impute, "impute", "an imputation or a list of them");

/// One choice (what `T` takes: "geometric", ("minimum", "arithmetic"), ("carry_forward", 2)) or
/// a list of them; a bad item raises `T`'s own error.
pub(super) struct Choices<T>(Vec<T>);

impl<'a, 'py, T: Choice + FromPyObjectOwned<'py>> FromPyObject<'a, 'py> for Choices<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            if obj.is_instance_of::<PyString>() {
                return Ok(Self(vec![obj.extract::<T>().map_err(Into::into)?]));
            }
            if let Ok(one) = obj.extract::<T>() {
                return Ok(Self(vec![one]));
            }
            let items = obj.try_iter().map_err(|_| args::wrong(T::NAME, T::EXPECTED, &obj))?;
            items.map(|item| item?.extract::<T>().map_err(Into::into)).collect::<PyResult<_>>().map(Self)
        })
    }
}

impl<T: Choice> Choices<T> {
    /// The values chosen, in order (none when the argument was absent).
    pub(super) fn values(choices: Option<Self>) -> Vec<T::Value> {
        choices.map_or_else(Vec::new, |c| c.0.into_iter().map(Choice::value).collect())
    }
}

/// The options of a scoring call, each parsed by its type; an option left out keeps the default
/// of [`ScoreOptions`] (which `Panel.score`'s signature repeats).
#[derive(Default)]
pub(super) struct ScoreArgs {
    pub(super) years: Option<Vec<i32>>,
    pub(super) normalise: Option<Normalise>,
    pub(super) scope: Option<Scope>,
    pub(super) aggregate: Option<(Aggregate, Aggregate)>,
    pub(super) weights: Option<WeightsArg>,
    pub(super) kinds: Option<KindsArg>,
    pub(super) impute: Option<Impute>,
    pub(super) min_coverage: Option<(f64, f64)>,
    pub(super) winsorise: Option<(f64, f64)>,
    pub(super) targets: Option<TargetsArg>,
    pub(super) denominate: Option<bool>,
}

impl ScoreArgs {
    /// The one place the scoring options are built: weights told apart and a targets file read
    /// with the catalogue of `panel`.
    pub(super) fn build(self, py: Python<'_>, panel: &Arc<Panel>) -> PyResult<ScoreOptions> {
        let d = ScoreOptions::default();
        Ok(ScoreOptions {
            years: self.years,
            normalise: self.normalise.unwrap_or(d.normalise),
            scope: self.scope.unwrap_or(d.scope),
            aggregate: self.aggregate.unwrap_or(d.aggregate),
            weights: match self.weights {
                Some(w) => w.resolve(panel.catalogue())?,
                None => d.weights,
            },
            kinds: self.kinds.map(|k| k.0),
            impute: self.impute.unwrap_or(d.impute),
            min_coverage: self.min_coverage.unwrap_or(d.min_coverage),
            winsorise: self.winsorise,
            targets: match self.targets {
                Some(t) => Some(t.load(py, panel)?.as_ref().clone()),
                None => None,
            },
            denominate: self.denominate.unwrap_or(d.denominate),
        })
    }
}

/// `**score_options` of `uncertainty` and `sensitivity`: scope, weights, kinds, min_coverage,
/// winsorise, targets, denominate, as `score()` takes them.
#[derive(Default)]
pub(super) struct ScoreKwargs(pub(super) ScoreArgs);

impl<'a, 'py> FromPyObject<'a, 'py> for ScoreKwargs {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        guard(|| {
            let mut a = ScoreArgs::default();
            for (key, value) in obj.cast::<PyDict>()?.iter() {
                let key: String = args::extract(&key, "a scoring option name", "a str")?;
                match key.as_str() {
                    "scope" => a.scope = Some(value.extract::<ScopeArg>()?.0),
                    "weights" => a.weights = value.extract()?,
                    "kinds" => a.kinds = value.extract()?,
                    "min_coverage" => {
                        a.min_coverage =
                            Some(args::extract(&value, "min_coverage", "a pair of numbers (dimension share, composite share)")?);
                    }
                    "winsorise" => a.winsorise = args::extract(&value, "winsorise", "None or a pair of quantiles (lo, hi)")?,
                    "denominate" => a.denominate = Some(args::extract(&value, "denominate", "a bool")?),
                    "targets" => a.targets = value.extract()?,
                    other => {
                        return Err(arg_err(format!(
                            "unknown scoring option {other:?}; use scope, weights, kinds, min_coverage, winsorise, targets, denominate \
                             (normalise, aggregate and impute are the lists to draw from)"
                        )));
                    }
                }
            }
            Ok(Self(a))
        })
    }
}
