//! API scenarios run against both backends (tests/api_sqlite.rs, tests/api_postgres.rs).

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use super::{Server, person};

/// Enrol, read back, idempotent replay, key reuse, duplicate person.
pub async fn enrolment(s: &Server) {
    let p = person(1);
    let r = s.enrol(&s.admin, "k-1", &p).await;
    assert_eq!(r.status(), 201);
    let first: Value = r.json().await.unwrap();
    let uin = first["uin"].as_str().unwrap().to_string();
    assert_eq!(first["rid"].as_str().unwrap().len(), 29);

    // The same key and body: the same answer, no second identity.
    let again: Value = s.enrol(&s.admin, "k-1", &p).await.json().await.unwrap();
    assert_eq!(again, first);
    // The same key, another body: refused.
    let r = s.enrol(&s.admin, "k-1", &person(2)).await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "idp.idempotency_key_reused"
    );
    // The same person under a new key: 409 naming the existing RID.
    let r = s.enrol(&s.admin, "k-2", &p).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "idp.duplicate");
    assert_eq!(body["existing"]["rid"], first["rid"]);
    let c = s.counts().await;
    assert_eq!(
        [c[0], c[1], c[3]],
        [1, 1, 1],
        "one identity, one version, one enrolment"
    );

    let r = s
        .req(Method::GET, &format!("/v1/identities/{uin}"), &s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rec: Value = r.json().await.unwrap();
    assert_eq!(rec["identity"], p);
    assert_eq!(rec["status"], "active");
    assert_eq!(rec["version"], 1);
    s.audit_ok().await;
}

/// Update with history, status changes with role checks, lost-UIN, VIDs.
pub async fn lifecycle(s: &Server) {
    let officer = s.operator("registration_officer").await;
    let supervisor = s.operator("supervisor").await;
    let r = s.enrol(&officer, "life-1", &person(7)).await;
    assert_eq!(r.status(), 201);
    let uin = r.json::<Value>().await.unwrap()["uin"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/identities/{uin}");

    // Officers read but do not update.
    assert_eq!(
        s.req(Method::GET, &path, &officer).send().await.unwrap().status(),
        200
    );
    let mut changed = person(7);
    changed["email"] = json!("new@example.org");
    let upd = json!({ "identity": changed, "reason": "resident asked" });
    let r = s
        .req(Method::PATCH, &path, &officer)
        .json(&upd)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "idp.forbidden");
    let r = s
        .req(Method::PATCH, &path, &supervisor)
        .json(&upd)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["version"], 2);

    let hist: Value = s
        .req(Method::GET, &format!("{path}/history"), &supervisor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hist = hist.as_array().unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0]["change"], "create");
    assert_eq!(hist[1]["change"], "update");
    assert_eq!(hist[1]["reason"], "resident asked");
    assert_eq!(hist[0]["identity"], person(7));
    assert_eq!(hist[1]["identity"], changed);

    let reason = json!({ "reason": "on request" });
    let post = |p: &str, t: &str| s.req(Method::POST, &format!("{path}/{p}"), t).json(&reason);
    assert_eq!(post("deactivate", &officer).send().await.unwrap().status(), 403);
    let r = post("deactivate", &supervisor).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "deactivated");
    assert_eq!(
        post("deactivate", &supervisor).send().await.unwrap().status(),
        409
    );
    let r = post("reactivate", &supervisor).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "active");
    assert_eq!(post("block", &supervisor).send().await.unwrap().status(), 403);
    let r = post("block", &s.admin).send().await.unwrap();
    let rec: Value = r.json().await.unwrap();
    assert_eq!(
        (rec["status"].clone(), rec["status_reason"].clone()),
        (json!("blocked"), json!("on request"))
    );
    assert_eq!(
        post("reactivate", &supervisor).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        s.req(Method::PATCH, &path, &supervisor)
            .json(&upd)
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
    assert_eq!(post("reactivate", &s.admin).send().await.unwrap().status(), 200);
    let r = s
        .req(Method::POST, &format!("{path}/block"), &s.admin)
        .json(&json!({ "reason": "  " }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "idp.bad_reason");

    // Lost UIN: supervisors only; found from the current data.
    let q = json!({ "identity": changed });
    let r = s
        .req(Method::POST, "/v1/identities/search", &officer)
        .json(&q)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = s
        .req(Method::POST, "/v1/identities/search", &supervisor)
        .json(&q)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["uin"], uin.as_str());
    let q = json!({ "identity": person(900) });
    assert_eq!(
        s.req(Method::POST, "/v1/identities/search", &supervisor)
            .json(&q)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // VIDs.
    let vids = format!("{path}/vids");
    let r = s
        .req(Method::POST, &vids, &officer)
        .json(&json!({ "vid_type": "Perpetual" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = s
        .req(Method::POST, &vids, &supervisor)
        .json(&json!({ "vid_type": "Perpetual" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let vid: Value = r.json().await.unwrap();
    assert_eq!(vid["vid"].as_str().unwrap().len(), 16);
    let r = s
        .req(Method::POST, &vids, &supervisor)
        .json(&json!({ "vid_type": "Perpetual" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "idp.vid_instance_limit");
    let r = s
        .req(Method::POST, &vids, &supervisor)
        .json(&json!({ "vid_type": "Temporary" }))
        .send()
        .await
        .unwrap();
    let tmp: Value = r.json().await.unwrap();
    assert!(tmp["expires_at"].as_i64().unwrap() > tmp["created_at"].as_i64().unwrap());
    let r = s
        .req(
            Method::POST,
            &format!("/v1/vids/{}/revoke", vid["vid"].as_str().unwrap()),
            &supervisor,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rv: Value = r.json().await.unwrap();
    assert_eq!(rv["revoked"]["status"], "revoked");
    assert_ne!(rv["replacement"]["vid"], vid["vid"]);
    let list: Value = s
        .req(Method::GET, &vids, &supervisor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3);
    s.audit_ok().await;
}

/// No token, bad token, wrong role: 401/403 and nothing written.
pub async fn authn(s: &Server) {
    let before = s.counts().await;
    let r = s
        .client
        .post(format!("{}/v1/enrolments", s.base))
        .header("Idempotency-Key", "x")
        .json(&json!({ "identity": person(3) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "idp.unauthenticated");
    assert_eq!(s.enrol("inkan_not-a-token", "x", &person(3)).await.status(), 401);
    let officer = s.operator("registration_officer").await;
    let r = s
        .req(Method::POST, "/v1/operators", &officer)
        .json(&json!({ "name": "x", "role": "administrator" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(s.counts().await, before);
}

/// Malformed JSON, oversize bodies, schema violations, missing headers: clear 4xx, nothing
/// written.
pub async fn bad_input(s: &Server) {
    let before = s.counts().await;
    let post = |body: String| {
        s.req(Method::POST, "/v1/enrolments", &s.admin)
            .header("Idempotency-Key", "bad-1")
            .header("content-type", "application/json")
            .body(body)
    };
    let r = post("{\"identity\": {".into()).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "idp.malformed_json");
    let r = post("{\"identity\": {}, \"extra\": 1}".into())
        .send()
        .await
        .unwrap();
    let (status, body) = (r.status(), r.json::<Value>().await.unwrap());
    assert_eq!(
        (status.as_u16(), &body["code"]),
        (422, &json!("idp.bad_body")),
        "{body}"
    );
    let big = json!({ "identity": { "fullName": [{ "language": "eng", "value": "x".repeat(100_000) }] } });
    let r = post(big.to_string()).send().await.unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "idp.payload_too_large");
    let r = s
        .req(Method::POST, "/v1/enrolments", &s.admin)
        .header("Idempotency-Key", "bad-2")
        .body(json!({ "identity": person(4) }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = s
        .req(Method::POST, "/v1/enrolments", &s.admin)
        .json(&json!({ "identity": person(4) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "idp.missing_idempotency_key"
    );
    let r = s.enrol(&s.admin, "", &person(4)).await;
    assert_eq!(r.status(), 400);

    // Schema violations name the field.
    let mut p = person(4);
    p["dateOfBirth"] = json!("not a date");
    let r = s.enrol(&s.admin, "bad-3", &p).await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "idp.schema_violation");
    let paths: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().any(|p| p.contains("dateOfBirth")), "{body}");
    let mut p = person(4);
    p.as_object_mut().unwrap().remove("fullName");
    assert_eq!(s.enrol(&s.admin, "bad-4", &p).await.status(), 422);
    let r = s
        .req(Method::GET, "/v1/identities/1'%20OR%20'1'='1", &s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = s.req(Method::GET, "/v1/nowhere", &s.admin).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(s.counts().await, before);
}

/// SQL metacharacters in every string field: stored and read back verbatim, or refused by the
/// schema with the field's path; no table is harmed.
pub async fn sql_metacharacters(s: &Server) {
    const EVIL: [&str; 4] = [
        "'; DROP TABLE identities; --",
        "\" OR 1=1 --",
        "x'); DELETE FROM audit_log; --",
        "\\'%_$1",
    ];
    let base = person(11);
    let fields: Vec<String> = base.as_object().unwrap().keys().cloned().collect();
    for (i, evil) in EVIL.iter().enumerate() {
        for (j, f) in fields.iter().enumerate() {
            let mut p = person(100 + i * 10 + j);
            if p[f].is_array() {
                p[f][0]["value"] = json!(format!("{}{evil}", p[f][0]["value"].as_str().unwrap()));
            } else {
                p[f] = json!(evil);
            }
            let before = s.counts().await;
            let key = format!("evil-{i}-{j}-{}", evil.replace(' ', ""));
            let r = s.enrol(&s.admin, &key, &p).await;
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap();
            match status {
                201 => {
                    let uin = body["uin"].as_str().unwrap();
                    let rec: Value = s
                        .req(Method::GET, &format!("/v1/identities/{uin}"), &s.admin)
                        .header("X-Purpose", *evil)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    assert_eq!(rec["identity"], p, "{f} not stored verbatim");
                }
                422 => {
                    assert_eq!(body["code"], "idp.schema_violation");
                    assert!(body["errors"].to_string().contains(f.as_str()), "{f}: {body}");
                    assert_eq!(s.counts().await, before, "a refused record wrote something");
                }
                other => panic!("{f} with {evil:?}: unexpected {other} {body}"),
            }
        }
    }
    s.audit_ok().await;
}

/// 16 tasks enrolling at once never share a UIN.
pub async fn concurrent(s: &Server) {
    let per_task = 12;
    let mut tasks = Vec::new();
    for t in 0..16 {
        let (client, base, token) = (s.client.clone(), s.base.clone(), s.admin.clone());
        tasks.push(tokio::spawn(async move {
            let mut uins = Vec::new();
            for k in 0..per_task {
                let i = 10_000 + t * per_task + k;
                let r = client
                    .post(format!("{base}/v1/enrolments"))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", format!("c-{i}"))
                    .json(&json!({ "identity": person(i) }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
                uins.push(
                    r.json::<Value>().await.unwrap()["uin"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                );
            }
            uins
        }));
    }
    let mut all = HashSet::new();
    for t in tasks {
        for u in t.await.unwrap() {
            assert!(all.insert(u), "a UIN was issued twice");
        }
    }
    assert_eq!(all.len(), 16 * per_task);
    // The same person from 16 tasks at once: exactly one UIN.
    let mut tasks = Vec::new();
    for t in 0..16 {
        let (client, base, token) = (s.client.clone(), s.base.clone(), s.admin.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("{base}/v1/enrolments"))
                .bearer_auth(&token)
                .header("Idempotency-Key", format!("same-{t}"))
                .json(&json!({ "identity": person(5000) }))
                .send()
                .await
                .unwrap();
            r.status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 15, "{statuses:?}");
    // One request retried 8 times at once (same Idempotency-Key, same body): one UIN, replayed.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (client, base, token) = (s.client.clone(), s.base.clone(), s.admin.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("{base}/v1/enrolments"))
                .bearer_auth(&token)
                .header("Idempotency-Key", "retried")
                .json(&json!({ "identity": person(6000) }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            r.json::<Value>().await.unwrap()["uin"]
                .as_str()
                .unwrap()
                .to_string()
        }));
    }
    let mut uins = HashSet::new();
    for t in tasks {
        uins.insert(t.await.unwrap());
    }
    assert_eq!(uins.len(), 1, "{uins:?}");
    s.audit_ok().await;
}

/// Bulk NDJSON: per-line results, a bad line does not stop the rest.
pub async fn bulk(s: &Server) {
    let mut body = String::new();
    for i in 0..5 {
        body.push_str(
            &json!({ "idempotency_key": format!("b-{i}"), "identity": person(20_000 + i) }).to_string(),
        );
        body.push('\n');
    }
    body.push_str("{not json\n");
    body.push_str(&json!({ "idempotency_key": "b-dup", "identity": person(20_000) }).to_string());
    body.push('\n');
    let r = s
        .req(Method::POST, "/v1/enrolments/bulk", &s.admin)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 7);
    assert!(
        lines[..5]
            .iter()
            .all(|l| l["status"] == 201 && l["uin"].is_string())
    );
    assert_eq!(lines[5]["code"], "idp.malformed_json");
    assert_eq!(lines[6]["code"], "idp.duplicate");
    assert_eq!(lines[6]["existing"]["rid"], lines[0]["rid"]);
}

/// Health, readiness, metrics, OpenAPI (every route documented).
pub async fn ops(s: &Server) {
    let get = |p: &str| s.client.get(format!("{}{p}", s.base)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    assert_eq!(get("/readyz").await.unwrap().status(), 200);
    let m = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(m.contains("idp_http_requests_total{class=\"2xx\"}"), "{m}");
    let doc: Value = get("/openapi.json").await.unwrap().json().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/v1/enrolments",
        "/v1/enrolments/bulk",
        "/v1/identities/{uin}",
        "/v1/identities/{uin}/history",
        "/v1/identities/{uin}/deactivate",
        "/v1/identities/{uin}/reactivate",
        "/v1/identities/{uin}/block",
        "/v1/identities/search",
        "/v1/identities/{uin}/vids",
        "/v1/vids/{vid}/revoke",
        "/v1/operators",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
    ] {
        assert!(paths.contains_key(p), "{p} missing from /openapi.json");
    }
}

/// Tampering with the audit log is detected.
pub async fn audit_tamper(s: &Server) {
    s.enrol(&s.admin, "t-1", &person(30_000)).await;
    s.enrol(&s.admin, "t-2", &person(30_001)).await;
    let n = s.audit_ok().await;
    assert!(n >= 2);
    let store = inkan_idp::store::Store::open(&s.url, 1, "normal").await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1")
        .execute(store.pool())
        .await
        .unwrap();
    let e = inkan_idp::audit::verify(&store).await.unwrap_err();
    assert_eq!(e, inkan_idp::audit::Broken::Tampered(1));
    store.close().await;
}
