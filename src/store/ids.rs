//! How the domain's ids are stored: Slack's ids as `text`, the workspace's numbers as
//! `integer`, bound and read like the plain values they wrap.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef};
use sqlx::{Decode, Encode, Postgres, Type};

use crate::domain::ids::{ChannelId, ItemNumber, TeamId, TopicNumber, UserId};

macro_rules! stored_as {
    ($name:ident, $plain:ty, $borrowed:ty, |$id:ident| $write:expr, |$value:ident| $read:expr) => {
        impl Type<Postgres> for $name {
            fn type_info() -> PgTypeInfo {
                <$plain as Type<Postgres>>::type_info()
            }

            fn compatible(ty: &PgTypeInfo) -> bool {
                <$plain as Type<Postgres>>::compatible(ty)
            }
        }

        impl PgHasArrayType for $name {
            fn array_type_info() -> PgTypeInfo {
                <$plain as PgHasArrayType>::array_type_info()
            }
        }

        impl Encode<'_, Postgres> for $name {
            fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                let $id = self;
                <$borrowed as Encode<Postgres>>::encode($write, buf)
            }
        }

        impl<'r> Decode<'r, Postgres> for $name {
            fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                let $value = <$plain as Decode<Postgres>>::decode(value)?;
                Ok($read)
            }
        }
    };
}

stored_as!(TeamId, String, &str, |id| id.as_str(), |id| TeamId::from(
    id
));
stored_as!(ChannelId, String, &str, |id| id.as_str(), |id| {
    ChannelId::from(id)
});
stored_as!(UserId, String, &str, |id| id.as_str(), |id| UserId::from(
    id
));
stored_as!(TopicNumber, i32, i32, |n| n.0, |n| TopicNumber(n));
stored_as!(ItemNumber, i32, i32, |n| n.0, |n| ItemNumber(n));
