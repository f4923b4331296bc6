//! Checked values stored as text: a symbol, a signal's action and model, a tier, a
//! role go to the database and come back as their types, so nothing downstream
//! handles them as loose strings. A stored value that no longer parses is a decode
//! error, never a silent default.

use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Any, Database, Decode, Encode, Type};

use crate::domain::role::Role;
use crate::domain::symbol::Symbol;
use crate::domain::tier::Tier;
use crate::signals::{Action, Model};

/// A type kept in a text column: how it is written and read back.
pub trait TextColumn: Sized {
    fn to_text(&self) -> String;
    fn from_text(text: &str) -> Option<Self>;
}

macro_rules! text_column {
    ($ty:ty, $write:expr, $read:expr) => {
        impl TextColumn for $ty {
            fn to_text(&self) -> String {
                ($write)(self)
            }
            fn from_text(text: &str) -> Option<Self> {
                ($read)(text)
            }
        }

        impl Type<Any> for $ty {
            fn type_info() -> AnyTypeInfo {
                <String as Type<Any>>::type_info()
            }
            fn compatible(ty: &AnyTypeInfo) -> bool {
                <String as Type<Any>>::compatible(ty)
            }
        }

        impl<'q> Encode<'q, Any> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut <Any as Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                <String as Encode<'q, Any>>::encode(self.to_text(), buf)
            }
        }

        impl<'r> Decode<'r, Any> for $ty {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <String as Decode<'r, Any>>::decode(value)?;
                <$ty as TextColumn>::from_text(&text).ok_or_else(|| {
                    format!("stored {} {text:?} does not parse", stringify!($ty)).into()
                })
            }
        }
    };
}

text_column!(Symbol, |s: &Symbol| s.as_str().to_string(), |t: &str| {
    Symbol::parse(t).ok()
});
text_column!(Action, |a: &Action| a.as_str().to_string(), Action::parse);
text_column!(Model, |m: &Model| m.as_str().to_string(), Model::parse);
text_column!(Tier, |t: &Tier| t.as_str().to_string(), Tier::parse);
text_column!(Role, |r: &Role| r.as_str().to_string(), Role::parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_as_written() {
        let symbol = Symbol::parse("BRK.B").unwrap();
        assert_eq!(Symbol::from_text(&symbol.to_text()), Some(symbol));
        for action in [Action::Buy, Action::Sell, Action::Hold] {
            assert_eq!(Action::from_text(&action.to_text()), Some(action));
        }
        for model in Model::ALL {
            assert_eq!(Model::from_text(&model.to_text()), Some(model));
        }
        for role in Role::ALL {
            assert_eq!(Role::from_text(&role.to_text()), Some(role));
        }
        assert_eq!(Tier::from_text(&Tier::Pro.to_text()), Some(Tier::Pro));
    }

    #[test]
    fn text_that_is_not_a_value_does_not_read() {
        assert_eq!(Symbol::from_text("not a symbol"), None);
        assert_eq!(Model::from_text("oracle"), None);
        assert_eq!(Tier::from_text("platinum"), None);
        assert_eq!(Role::from_text("root"), None);
    }
}
