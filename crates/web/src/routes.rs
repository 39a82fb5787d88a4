//! The route table: every route of the application with the action it
//! performs. The router is built from this table only, each route behind the
//! guard with its action, and a test checks the table for every role.

use crate::AppState;
use crate::{assets, auth, guard, pages, security};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};
use bz_domain::access::Action;
use tower_http::limit::RequestBodyLimitLayer;

pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub action: Action,
    pub handler: MethodRouter<AppState>,
    pub body_limit: BodyLimit,
}

/// The largest request body a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// `max_body_bytes` of the configuration (forms, JSON).
    Default,
    /// `max_upload_bytes` of the configuration (the import upload page).
    Upload,
    /// A fixed size for this route (e.g. photos with a report).
    Bytes(usize),
}

impl RouteSpec {
    /// Accept a larger body on this route than the default.
    pub fn body_limit(mut self, limit: BodyLimit) -> RouteSpec {
        self.body_limit = limit;
        self
    }
}

fn r(
    method: Method,
    path: &'static str,
    action: Action,
    handler: MethodRouter<AppState>,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        action,
        handler,
        body_limit: BodyLimit::Default,
    }
}

/// Every route of Buitenzicht.
pub fn table() -> Vec<RouteSpec> {
    use Action::*;
    use pages::*;
    let (g, p) = (Method::GET, Method::POST);
    vec![
        r(g.clone(), "/health", ViewPublic, get(health::health)),
        r(g.clone(), "/static/{*path}", ViewPublic, get(assets::serve)),
        r(g.clone(), "/taal/{lang}", ViewPublic, get(lang::switch)),
        r(g.clone(), "/login", Login, get(auth::login::form)),
        r(p.clone(), "/login", Login, post(auth::login::submit)),
        r(g.clone(), "/login/code", Login, get(auth::login::code_form)),
        r(
            p.clone(),
            "/login/code",
            Login,
            post(auth::login::code_submit),
        ),
        r(
            g.clone(),
            "/login/koppelen",
            Login,
            get(auth::login::enrol_form),
        ),
        r(
            p.clone(),
            "/login/koppelen",
            Login,
            post(auth::login::enrol_submit),
        ),
        r(p.clone(), "/logout", Logout, post(auth::login::logout)),
        r(g.clone(), "/", ViewHome, get(home::home)),
        r(g.clone(), "/melden", ViewPublic, get(melden::form)),
        r(
            p.clone(),
            "/melden",
            SubmitAnonymous,
            post(melden::submit).layer(DefaultBodyLimit::disable()),
        )
        .body_limit(BodyLimit::Bytes(melden::MAX_BODY_BYTES)),
        r(
            g.clone(),
            "/melden/adressen",
            ViewPublic,
            get(melden::addresses),
        ),
        r(
            g.clone(),
            "/melden/gemeenten.geojson",
            ViewPublic,
            get(melden::outlines),
        ),
        r(
            g.clone(),
            "/melden/status",
            ViewPublic,
            get(melden::status_form),
        ),
        r(
            p.clone(),
            "/melden/status",
            SubmitAnonymous,
            post(melden::status_lookup),
        ),
        r(
            p.clone(),
            "/melden/aanvullen",
            SubmitAnonymous,
            post(melden::add).layer(DefaultBodyLimit::disable()),
        )
        .body_limit(BodyLimit::Bytes(melden::MAX_BODY_BYTES)),
        r(g.clone(), "/deboerop", ViewFieldWork, get(deboerop::list)),
        r(
            p.clone(),
            "/deboerop",
            PlanFieldWork,
            post(deboerop::create),
        ),
        r(
            g.clone(),
            "/deboerop/{round}",
            ViewFieldWork,
            get(deboerop::show),
        ),
        r(
            g.clone(),
            "/deboerop/{round}/routes.geojson",
            ViewFieldWork,
            get(deboerop::routes_geojson),
        ),
        r(
            g.clone(),
            "/deboerop/{round}/route/{team}",
            ViewFieldWork,
            get(deboerop::route_sheet),
        ),
        r(
            g.clone(),
            "/deboerop/{round}/bezoek/{address}",
            RecordFieldWork,
            get(deboerop::visit_form),
        ),
        r(
            p.clone(),
            "/deboerop/{round}/bezoek/{address}",
            RecordFieldWork,
            post(deboerop::visit_submit),
        ),
        r(g.clone(), "/coaching", ViewReferrals, get(coaching::list)),
        r(p.clone(), "/coaching", ReferToCoach, post(coaching::create)),
        r(
            g.clone(),
            "/coaching/{id}",
            ViewReferrals,
            get(coaching::show),
        ),
        r(
            p.clone(),
            "/coaching/{id}/dossier",
            WorkCoachFile,
            post(coaching::add_entry),
        ),
        r(
            p.clone(),
            "/coaching/{id}/status",
            WorkCoachFile,
            post(coaching::set_status),
        ),
        r(
            p.clone(),
            "/coaching/{id}/wijkteam",
            ReferToCoach,
            post(coaching::wijkteam_done),
        ),
        r(g.clone(), "/acties", ViewFieldWork, get(acties::list)),
        r(p.clone(), "/acties", PlanFieldWork, post(acties::create)),
        r(g.clone(), "/acties/{id}", ViewFieldWork, get(acties::show)),
        r(
            p.clone(),
            "/acties/{id}/uitkomst/{address}",
            RecordFieldWork,
            post(acties::record),
        ),
        r(g.clone(), "/enquete", ViewPublic, get(survey_public::start)),
        r(
            p.clone(),
            "/enquete",
            SubmitAnonymous,
            post(survey_public::submit),
        ),
        r(g.clone(), "/enquetes", ViewSurveys, get(survey_admin::list)),
        r(
            p.clone(),
            "/enquetes",
            ManageSurveys,
            post(survey_admin::create),
        ),
        r(
            g.clone(),
            "/enquetes/{id}",
            ViewSurveys,
            get(survey_admin::show),
        ),
        r(
            p.clone(),
            "/enquetes/{id}",
            ManageSurveys,
            post(survey_admin::update),
        ),
        r(
            g.clone(),
            "/enquetes/{id}/versies/{version}",
            ViewSurveys,
            get(survey_admin::version),
        ),
        r(
            p.clone(),
            "/enquetes/{id}/publiceren",
            ManageSurveys,
            post(survey_admin::publish),
        ),
        r(
            p.clone(),
            "/enquetes/{id}/herinnering",
            ManageSurveys,
            post(survey_admin::remind),
        ),
        r(
            g.clone(),
            "/enquetes/{id}/brieven.pdf",
            ManageSurveys,
            get(survey_admin::letters_pdf),
        ),
        r(
            g.clone(),
            "/enquetes/{id}/brieven.csv",
            ManageSurveys,
            get(survey_admin::letters_csv),
        ),
        r(
            g.clone(),
            "/enquetes/{id}/papier",
            ManageSurveys,
            get(survey_admin::paper_form),
        ),
        r(
            p.clone(),
            "/enquetes/{id}/papier",
            ManageSurveys,
            post(survey_admin::paper_submit),
        ),
        r(
            g.clone(),
            "/enquetes/{id}/rapport",
            ViewSurveys,
            get(survey_admin::report),
        ),
        r(
            g.clone(),
            "/enquetes/{id}/rapport.pdf",
            ViewSurveys,
            get(survey_export::report_pdf),
        ),
        r(
            g.clone(),
            "/enquetes/{id}/tabellen.csv",
            ViewSurveys,
            get(survey_export::tables_csv),
        ),
        r(
            g.clone(),
            "/enquetes/{id}/antwoorden.csv",
            ExportSurveyResponses,
            get(survey_export::responses_csv),
        ),
        r(
            g.clone(),
            "/enquetes/{id}/antwoorden.xlsx",
            ExportSurveyResponses,
            get(survey_export::responses_xlsx),
        ),
        r(g.clone(), "/kaart", ViewAreaAggregates, get(map::page)),
        r(
            g.clone(),
            "/gemeente/{code}",
            ViewAreaAggregates,
            get(gemeente::page),
        ),
        r(
            g.clone(),
            "/gemeente/{code}/pdf",
            ViewAreaAggregates,
            get(gemeente::pdf),
        ),
        r(
            g.clone(),
            "/kaart/tabel",
            ViewAreaAggregates,
            get(map::table),
        ),
        r(
            g.clone(),
            "/kaart/tegels/{z}/{x}/{y}",
            ViewAreaAggregates,
            get(map::tile),
        ),
        r(
            g.clone(),
            "/api/v1/kaart/vierkanten",
            ViewAreaAggregates,
            get(map::squares_api),
        ),
        r(
            g.clone(),
            "/kaart/locatie/{address}",
            ViewScanResults,
            get(map::location),
        ),
        r(g.clone(), "/signalen", ViewSignals, get(signalen::list)),
        r(
            g.clone(),
            "/signalen/nieuw",
            IntakeSignals,
            get(signalen_intake::form),
        ),
        r(
            p.clone(),
            "/signalen/nieuw",
            IntakeSignals,
            post(signalen_intake::submit),
        ),
        r(
            g.clone(),
            "/signalen/termijn",
            ViewSignals,
            get(signalen::overdue),
        ),
        r(
            g.clone(),
            "/signalen/{id}",
            ViewSignals,
            get(signalen::detail),
        ),
        r(
            g.clone(),
            "/signalen/{id}/bijlagen/{bijlage}",
            ViewSignals,
            get(signalen::attachment),
        ),
        r(
            p.clone(),
            "/signalen/{id}/status",
            HandleSignals,
            post(signalen_actions::transition),
        ),
        r(
            p.clone(),
            "/signalen/{id}/notitie",
            HandleSignals,
            post(signalen_actions::note),
        ),
        r(
            p.clone(),
            "/signalen/{id}/protocol",
            HandleSignals,
            post(signalen_actions::tick),
        ),
        // Multipart is read by the handler as a stream; the route's own limit applies.
        r(
            p.clone(),
            "/signalen/{id}/bijlagen",
            IntakeSignals,
            post(signalen_actions::upload).layer(DefaultBodyLimit::disable()),
        )
        .body_limit(BodyLimit::Bytes(signalen_actions::MAX_UPLOAD_BODY)),
        r(
            p.clone(),
            "/signalen/{id}/toewijzen",
            TriageSignals,
            post(signalen_actions::assign),
        ),
        r(
            p.clone(),
            "/signalen/{id}/categorie",
            TriageSignals,
            post(signalen_actions::category),
        ),
        r(
            p.clone(),
            "/signalen/{id}/doorzetten",
            TriageSignals,
            post(signalen_actions::forward),
        ),
        r(
            p.clone(),
            "/signalen/{id}/samenvoegen",
            TriageSignals,
            post(signalen_actions::merge),
        ),
        r(
            p.clone(),
            "/signalen/{id}/samenvatting",
            DeidentifySignals,
            post(signalen_actions::summary),
        ),
        r(
            g.clone(),
            "/beheer/workflow",
            ManageWorkflow,
            get(signalen_beheer::form),
        ),
        r(
            p.clone(),
            "/beheer/workflow",
            ManageWorkflow,
            post(signalen_beheer::save),
        ),
        r(
            g.clone(),
            "/api/v1/signalen",
            ViewSignals,
            get(signalen_api::list),
        ),
        r(
            p.clone(),
            "/api/v1/signalen",
            IntakeSignals,
            post(signalen_api::import).layer(DefaultBodyLimit::disable()),
        )
        .body_limit(BodyLimit::Bytes(signalen_api::MAX_IMPORT_BYTES)),
        r(g.clone(), "/account", ManageOwnAccount, get(account::show)),
        r(
            p.clone(),
            "/account/wachtwoord",
            ManageOwnAccount,
            post(account::change_password),
        ),
        r(
            g.clone(),
            "/beheer/organisaties",
            ManageOrganisations,
            get(orgs::list),
        ),
        r(
            p.clone(),
            "/beheer/organisaties",
            ManageOrganisations,
            post(orgs::create),
        ),
        r(
            g.clone(),
            "/beheer/gebruikers",
            ManageUsers,
            get(users::list),
        ),
        r(
            p.clone(),
            "/beheer/gebruikers",
            ManageUsers,
            post(users::create),
        ),
        r(
            g.clone(),
            "/beheer/gebruikers/{id}",
            ManageUsers,
            get(users::show),
        ),
        r(
            p.clone(),
            "/beheer/gebruikers/{id}/wachtwoord",
            ManageUsers,
            post(users::reset_password),
        ),
        r(
            p.clone(),
            "/beheer/gebruikers/{id}/tweede-factor",
            ManageUsers,
            post(users::reset_totp),
        ),
        r(
            p.clone(),
            "/beheer/gebruikers/{id}/deactiveren",
            ManageUsers,
            post(users::deactivate),
        ),
        r(
            p.clone(),
            "/beheer/gebruikers/{id}/activeren",
            ManageUsers,
            post(users::activate),
        ),
        r(g.clone(), "/beheer/import", ImportData, get(import::form)),
        // Multipart is read by the handler as a stream; the route's own limit applies.
        r(
            p.clone(),
            "/beheer/import",
            ImportData,
            post(import::upload).layer(DefaultBodyLimit::disable()),
        )
        .body_limit(BodyLimit::Upload),
        r(
            g.clone(),
            "/beheer/import/{job}",
            ImportData,
            get(import::job),
        ),
        r(
            g.clone(),
            "/beheer/import/{job}/status",
            ImportData,
            get(import::status),
        ),
        r(g.clone(), "/beheer/audit", ViewAudit, get(audit::list)),
        r(
            g.clone(),
            "/gebiedsscan",
            ViewAreaAggregates,
            get(scan::list),
        ),
        r(p.clone(), "/gebiedsscan", RunScan, post(scan::start)),
        r(
            g.clone(),
            "/gebiedsscan/{run}",
            ViewAreaAggregates,
            get(scan::show),
        ),
        r(
            g.clone(),
            "/gebiedsscan/{run}/export.csv",
            ViewScanResults,
            get(scan_export::export_csv),
        ),
        r(
            g.clone(),
            "/gebiedsscan/{run}/export.xlsx",
            ViewScanResults,
            get(scan_export::export_xlsx),
        ),
        r(
            g.clone(),
            "/gebiedsscan/{run}/export.geojson",
            ViewScanResults,
            get(scan_export::export_geojson),
        ),
        r(
            g.clone(),
            "/gebiedsscan/{run}/adres/{address}",
            ViewScanResults,
            get(scan::address),
        ),
        r(
            p.clone(),
            "/gebiedsscan/{run}/adres/{address}/besluit",
            DecideScan,
            post(scan::decide),
        ),
        r(
            g.clone(),
            "/gebiedsscan/indicatorsets",
            ViewIndicatorSets,
            get(indicators::list),
        ),
        r(
            g.clone(),
            "/gebiedsscan/indicatorsets/nieuw",
            ManageIndicatorSets,
            get(indicators::new_form),
        ),
        r(
            p.clone(),
            "/gebiedsscan/indicatorsets/nieuw",
            ManageIndicatorSets,
            post(indicators::create),
        ),
        r(
            g.clone(),
            "/gebiedsscan/indicatorsets/{key}/{version}",
            ViewIndicatorSets,
            get(indicators::show),
        ),
        r(
            p.clone(),
            "/gebiedsscan/indicatorsets/{key}/{version}/goedkeuren",
            ManageIndicatorSets,
            post(indicators::approve),
        ),
        r(
            g.clone(),
            "/algoritmeregister",
            ViewPublic,
            get(scan::algorithm_register),
        ),
        r(g.clone(), "/api/v1/me", ViewHome, get(api::me)),
        r(
            g.clone(),
            "/api/v1/gebiedsscan",
            ViewAreaAggregates,
            get(scan_api::runs),
        ),
        r(
            p.clone(),
            "/api/v1/gebiedsscan",
            RunScan,
            post(scan_api::start),
        ),
        r(
            g.clone(),
            "/api/v1/gebiedsscan/{run}",
            ViewAreaAggregates,
            get(scan_api::run),
        ),
        r(
            p.clone(),
            "/api/v1/gebiedsscan/{run}/adres/{address}/besluit",
            DecideScan,
            post(scan_api::decide),
        ),
        r(
            g.clone(),
            "/api/v1/algoritmeregister",
            ViewPublic,
            get(scan::algorithm_register_json),
        ),
        r(
            g.clone(),
            "/api/v1/gebieden",
            ViewAreaAggregates,
            get(api::areas),
        ),
        r(
            g.clone(),
            "/api/v1/organisaties",
            ManageOrganisations,
            get(api::organisations),
        ),
        r(
            p,
            "/api/v1/organisaties",
            ManageOrganisations,
            post(api::create_organisation),
        ),
    ]
}

/// A navigation entry; shown only to subjects the access module allows.
pub struct NavEntry {
    pub href: &'static str,
    pub label: &'static str,
    pub action: Action,
}

pub const NAV: &[NavEntry] = &[
    NavEntry {
        href: "/",
        label: "nav.home",
        action: Action::ViewHome,
    },
    NavEntry {
        href: "/kaart",
        label: "nav.map",
        action: Action::ViewAreaAggregates,
    },
    NavEntry {
        href: "/gebiedsscan",
        label: "nav.scan",
        action: Action::ViewAreaAggregates,
    },
    NavEntry {
        href: "/signalen",
        label: "nav.signals",
        action: Action::ViewSignals,
    },
    NavEntry {
        href: "/enquetes",
        label: "nav.survey",
        action: Action::ViewSurveys,
    },
    NavEntry {
        href: "/deboerop",
        label: "nav.field",
        action: Action::ViewFieldWork,
    },
    NavEntry {
        href: "/acties",
        label: "nav.actions",
        action: Action::ViewFieldWork,
    },
    NavEntry {
        href: "/coaching",
        label: "nav.coaching",
        action: Action::ViewReferrals,
    },
    NavEntry {
        href: "/algoritmeregister",
        label: "nav.algorithm",
        action: Action::ViewPublic,
    },
    NavEntry {
        href: "/beheer/organisaties",
        label: "nav.organisations",
        action: Action::ManageOrganisations,
    },
    NavEntry {
        href: "/beheer/gebruikers",
        label: "nav.users",
        action: Action::ManageUsers,
    },
    NavEntry {
        href: "/beheer/import",
        label: "nav.import",
        action: Action::ImportData,
    },
    NavEntry {
        href: "/beheer/workflow",
        label: "nav.workflow",
        action: Action::ManageWorkflow,
    },
    NavEntry {
        href: "/beheer/audit",
        label: "nav.audit",
        action: Action::ViewAudit,
    },
    NavEntry {
        href: "/account",
        label: "nav.account",
        action: Action::ManageOwnAccount,
    },
];

pub fn router(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for spec in table() {
        let limit = match spec.body_limit {
            BodyLimit::Default => state.config.max_body_bytes,
            BodyLimit::Upload => state.config.max_upload_bytes,
            BodyLimit::Bytes(n) => n,
        };
        // The limit wraps the guard, so it applies before anything reads the body.
        let guarded = spec
            .handler
            .route_layer(from_fn_with_state(
                (state.clone(), spec.action),
                guard::guard,
            ))
            .route_layer(RequestBodyLimitLayer::new(limit));
        router = router.route(spec.path, guarded);
    }
    router
        .fallback(pages::not_found)
        .layer(from_fn_with_state(state.clone(), security::harden))
        .with_state(state)
}
