//! What the guard learns about a request and hands to the handler, and the
//! page context every template receives.

use crate::i18n::{self, Lang};
use crate::routes::NAV;
use bz_domain::access::{self, Resource, Subject};
use bz_store::session::SessionRow;

/// The request context, inserted by the guard before any handler runs.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: Lang,
    /// The request path, e.g. `/beheer/gebruikers`.
    pub path: String,
    pub session: Option<SessionRow>,
    pub subject: Option<Subject>,
    pub display_name: Option<String>,
    pub org_name: Option<String>,
    pub demo: bool,
}

impl Ctx {
    pub fn csrf(&self) -> String {
        self.session
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default()
    }

    pub fn t(&self, key: &str) -> String {
        i18n::tr(self.lang, key)
    }

    /// The context a page template needs, with the navigation this subject may use.
    pub fn page(&self, title_key: &str) -> PageCtx {
        let logged_in = self.subject.is_some()
            && self
                .session
                .as_ref()
                .is_some_and(|s| s.stage.is_logged_in());
        let nav = if logged_in {
            NAV.iter()
                .filter(|n| access::decide(self.subject.as_ref(), n.action, &Resource::Any).is_ok())
                .map(|n| NavLink {
                    href: n.href,
                    label: self.t(n.label),
                    current: self.path == n.href
                        || (n.href != "/" && self.path.starts_with(n.href)),
                })
                .collect()
        } else {
            Vec::new()
        };
        PageCtx {
            lang: self.lang,
            title: self.t(title_key),
            user: if logged_in {
                self.display_name.clone()
            } else {
                None
            },
            org: if logged_in {
                self.org_name.clone()
            } else {
                None
            },
            csrf: self.csrf(),
            nav,
            switch_href: format!(
                "/taal/{}?terug={}",
                self.lang.other().code(),
                encode_path(&self.path)
            ),
            demo: self.demo,
        }
    }
}

fn encode_path(p: &str) -> String {
    form_urlencoded::byte_serialize(p.as_bytes()).collect()
}

#[derive(Clone, Debug)]
pub struct NavLink {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// Everything the shared layout (`base.html`) shows.
#[derive(Clone, Debug)]
pub struct PageCtx {
    pub lang: Lang,
    pub title: String,
    pub user: Option<String>,
    pub org: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavLink>,
    pub switch_href: String,
    pub demo: bool,
}

impl PageCtx {
    pub fn t(&self, key: &str) -> String {
        i18n::tr(self.lang, key)
    }
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
    pub fn other_lang_code(&self) -> &'static str {
        self.lang.other().code()
    }
    pub fn num(&self, n: &i64) -> String {
        i18n::number(self.lang, *n)
    }
}
