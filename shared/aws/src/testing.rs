//! A real DynamoDB/S3 API on loopback for tests: moto server, pinned, from the project's
//! own venv (`scripts/venv moto` installs it on first use). Tests never skip: if no
//! server can be had, they fail with what to do.
//!
//! `PACKWISE_TEST_AWS_ENDPOINT` points every test binary at one running server;
//! otherwise each test binary starts its own on a free port, which stops when the
//! binary exits.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use std::sync::Arc;

use aws_sdk_dynamodb::config::retry::RetryPartition;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use tokio::sync::RwLock;

use crate::counting::RequestCounter;
use crate::{DynamoStore, create_table};

mod faults;
pub use faults::{Fault, FaultInjector};

pub struct LocalAws {
    pub endpoint: String,
    /// The server's watchdog reads this pipe; it closes when the test binary exits,
    /// and the watchdog then stops the server, so no server outlives its tests.
    _lifeline: Option<Mutex<(Child, ChildStdin)>>,
}

static LOCAL: OnceLock<LocalAws> = OnceLock::new();

/// The API server this test binary uses, started on first call.
pub fn local_aws() -> &'static LocalAws {
    LOCAL.get_or_init(|| match std::env::var("PACKWISE_TEST_AWS_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => {
            wait_until_ready(&endpoint, Readiness::MotoApi, Duration::from_secs(30))
                .unwrap_or_else(|e| {
                    panic!("PACKWISE_TEST_AWS_ENDPOINT={endpoint} does not answer: {e}")
                });
            LocalAws {
                endpoint,
                _lifeline: None,
            }
        }
        _ => start_moto(),
    })
}

impl LocalAws {
    fn credentials() -> Credentials {
        Credentials::new("test", "test", None, None, "packwise-tests")
    }

    /// The settings a deployed function would load, pointed at this server.
    pub fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .http_client(OneWriteAtATime::shared())
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(Self::credentials()),
            )
            .build()
    }

    /// Clients as the functions build them, with their requests counted.
    pub fn clients(&self, counter: &RequestCounter) -> crate::Clients {
        crate::Clients::from_sdk_config(&self.sdk_config(), true, counter)
    }

    /// Clients as [`LocalAws::clients`], whose attempts `faults` may fail. They get
    /// retry quota of their own, as each Lambda container's process does: the SDK's
    /// retry token bucket is otherwise shared by every client of a service in the
    /// process, and one test's spent retries would cut short another's.
    pub fn clients_with_faults(
        &self,
        counter: &RequestCounter,
        faults: &FaultInjector,
    ) -> crate::Clients {
        let clients = crate::Clients::from_sdk_config_with(
            &self.sdk_config(),
            true,
            counter,
            &[SharedInterceptor::new(faults.clone())],
        );
        let partition = unique_name("packwise-faults");
        let dynamodb = clients
            .dynamodb
            .config()
            .to_builder()
            .retry_partition(RetryPartition::new(format!("{partition}-dynamodb")))
            .build();
        let s3 = clients
            .s3
            .config()
            .to_builder()
            .retry_partition(RetryPartition::new(format!("{partition}-s3")))
            .build();
        crate::Clients {
            dynamodb: aws_sdk_dynamodb::Client::from_conf(dynamodb),
            s3: aws_sdk_s3::Client::from_conf(s3),
        }
    }

    pub async fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        self.clients(&RequestCounter::new()).dynamodb
    }

    pub async fn s3(&self) -> aws_sdk_s3::Client {
        self.clients(&RequestCounter::new()).s3
    }

    /// A new bucket for one test.
    pub async fn bucket(&self) -> String {
        let name = unique_name("packwise-test");
        self.s3()
            .await
            .create_bucket()
            .bucket(&name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("creating bucket {name}: {e:?}"));
        name
    }
}

/// A new table, created as the template creates it, and a store over it whose requests
/// `counter` counts; the guard deletes the table when the test is done.
pub async fn fresh_table(counter: &RequestCounter) -> (DynamoStore, DropTable) {
    let client = local_aws().clients(counter).dynamodb;
    let (store, guard) = table_on(client, Server::Moto).await;
    counter.reset();
    (store, guard)
}

/// [`fresh_table`] on DynamoDB Local, whose requests are counted and metered.
pub async fn fresh_table_on_dynamodb_local(
    counter: &RequestCounter,
    meter: &crate::CapacityMeter,
) -> (DynamoStore, DropTable) {
    let client = measured_clients(counter, meter).dynamodb;
    let (store, guard) = table_on(client, Server::DynamoDbLocal).await;
    counter.reset();
    meter.reset();
    (store, guard)
}

async fn table_on(client: aws_sdk_dynamodb::Client, server: Server) -> (DynamoStore, DropTable) {
    let table = unique_name("packwise-test");
    create_table(&client, &table)
        .await
        .unwrap_or_else(|e| panic!("creating table {table}: {e}"));
    let guard = DropTable {
        table: table.clone(),
        server,
    };
    (DynamoStore::new(client, &table), guard)
}

/// Which local server holds a table.
#[derive(Clone, Copy, Debug)]
enum Server {
    Moto,
    DynamoDbLocal,
}

/// Deletes its table when the test is done.
pub struct DropTable {
    table: String,
    server: Server,
}

impl DropTable {
    /// For a table the test made itself on the moto server.
    pub fn new(table: &str) -> DropTable {
        DropTable {
            table: table.to_string(),
            server: Server::Moto,
        }
    }
}

impl Drop for DropTable {
    /// `Drop` cannot await, and the test's runtime may be shutting down: delete on a
    /// thread of its own with a small runtime that ends with it, and a client made there
    /// (a client's connections belong to the runtime that made them). Best effort; a
    /// table left behind dies with the test server.
    fn drop(&mut self) {
        let (table, server) = (std::mem::take(&mut self.table), self.server);
        let deleting = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the cleanup");
            runtime.block_on(async {
                let client = match server {
                    Server::Moto => local_aws().dynamodb().await,
                    Server::DynamoDbLocal => {
                        measured_clients(&RequestCounter::new(), &Default::default()).dynamodb
                    }
                };
                let _ = client.delete_table().table_name(&table).send().await;
            });
        });
        let _ = deleting.join();
    }
}

/// A table or bucket name no other test (or test binary) uses: lowercase, S3-safe.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn start_moto() -> LocalAws {
    let bin = PathBuf::from(tool_path(
        "venv",
        &["moto"],
        "moto server (Python 3 with venv and pip, and the PyPI registry reachable)",
    ));
    let moto = bin.join("moto_server");
    let (endpoint, lifeline) = serve("moto", Readiness::MotoApi, |port| {
        let mut command = Command::new(&moto);
        command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        command
    });
    LocalAws {
        endpoint,
        _lifeline: Some(lifeline),
    }
}

/// What a script under `scripts/` printed: the path of the tool it made sure of.
fn tool_path(script: &str, args: &[&str], needs: &str) -> String {
    let output = Command::new(project_root().join("scripts").join(script))
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("running scripts/{script}: {e}"));
    assert!(
        output.status.success(),
        "scripts/{script} {} failed: the tests need {needs}",
        args.join(" ")
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// How to tell that a server started on a port is answering.
#[derive(Clone, Copy)]
enum Readiness {
    /// moto's own API answers 200.
    MotoApi,
    /// Any HTTP answer (DynamoDB Local refuses an unsigned `GET /` with 400).
    AnyHttp,
}

/// Starts the server `command` builds for a free port, tied to this test binary's life,
/// and waits until it answers. Returns its endpoint and the lifeline.
fn serve(
    name: &str,
    readiness: Readiness,
    command: impl Fn(u16) -> Command,
) -> (String, Mutex<(Child, ChildStdin)>) {
    let mut last_error = String::new();
    // A port found free can be taken by another test binary before the server binds it.
    for _ in 0..3 {
        let port = free_port();
        let log = std::env::temp_dir().join(format!("packwise-{name}-{port}.log"));
        let log_file = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("creating {}: {e}", log.display()));
        let server = command(port);
        let mut child = Command::new("sh")
            .arg("-c")
            // Stop the server when our end of the pipe closes (the test binary exited).
            .arg(r#""$0" "$@" & pid=$!; cat >/dev/null; kill "$pid""#)
            .arg(server.get_program())
            .args(server.get_args())
            .current_dir(server.get_current_dir().unwrap_or(Path::new(".")))
            .stdin(Stdio::piped())
            .stdout(log_file.try_clone().expect("log handle"))
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        let endpoint = format!("http://127.0.0.1:{port}");
        match wait_until_ready(&endpoint, readiness, Duration::from_secs(60)) {
            Ok(()) => {
                let stdin = child.stdin.take().expect("piped stdin");
                return (endpoint, Mutex::new((child, stdin)));
            }
            Err(e) => {
                let _ = child.kill();
                last_error = format!(
                    "{e}; server log: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        }
    }
    panic!("{name} did not start: {last_error}")
}

/// Amazon DynamoDB Local on loopback (`scripts/dynamodb-local` installs it), in memory,
/// started on first call and stopped when the binary exits. For the runs that need what
/// moto lacks: transactions isolated from each other as DynamoDB isolates them, a commit
/// whose cost does not grow with the table, and consumed capacity in the answers.
pub fn local_dynamodb() -> &'static LocalServer {
    static SERVER: OnceLock<LocalServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let home = PathBuf::from(tool_path(
            "dynamodb-local",
            &[],
            "DynamoDB Local (Java 17, and the npm registry reachable)",
        ));
        let (endpoint, lifeline) = serve("dynamodb-local", Readiness::AnyHttp, |port| {
            let mut command = Command::new("java");
            command
                .current_dir(&home)
                .arg("-Djava.library.path=./DynamoDBLocal_lib")
                .args(["-jar", "DynamoDBLocal.jar", "-inMemory", "-port"])
                .arg(port.to_string());
            command
        });
        LocalServer {
            endpoint,
            _lifeline: lifeline,
        }
    })
}

/// A server this test binary started.
pub struct LocalServer {
    pub endpoint: String,
    _lifeline: Mutex<(Child, ChildStdin)>,
}

/// Clients over DynamoDB Local and the moto server's S3, built as the functions build
/// theirs, with every request counted and DynamoDB's consumed capacity measured.
/// Requests are sent as they come: DynamoDB Local isolates transactions itself.
pub fn measured_clients(counter: &RequestCounter, meter: &crate::CapacityMeter) -> crate::Clients {
    let plain = |endpoint: &str| {
        aws_config::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(
                    LocalAws::credentials(),
                ),
            )
            .build()
    };
    let s3 = crate::Clients::from_sdk_config(&plain(&local_aws().endpoint), true, counter).s3;
    let dynamodb = aws_sdk_dynamodb::config::Builder::from(&plain(&local_dynamodb().endpoint))
        .interceptor(counter.clone())
        .interceptor(meter.clone())
        .build();
    crate::Clients {
        dynamodb: aws_sdk_dynamodb::Client::from_conf(dynamodb),
        s3,
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Polls the server until it answers.
fn wait_until_ready(endpoint: &str, readiness: Readiness, timeout: Duration) -> Result<(), String> {
    let address = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let deadline = Instant::now() + timeout;
    let mut last = String::from("no answer");
    while Instant::now() < deadline {
        match probe(&address, readiness) {
            Ok(()) => return Ok(()),
            Err(e) => last = e,
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "{endpoint} did not answer within {timeout:?}: {last}"
    ))
}

fn probe(address: &str, readiness: Readiness) -> Result<(), String> {
    let mut stream = TcpStream::connect(address).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET /moto-api/data.json HTTP/1.0\r\nHost: {address}\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).map_err(|e| e.to_string())?;
    let answered = head.starts_with(b"HTTP/1.");
    if answered && (matches!(readiness, Readiness::AnyHttp) || &head[9..12] == b"200") {
        Ok(())
    } else {
        Err(format!("answered {}", String::from_utf8_lossy(&head)))
    }
}

/// moto applies a transaction by copying the table, writing, and on a failed condition
/// putting the copy back, with no lock: two transactions at once can fail with a server
/// error or undo each other's writes. Nor may a read overlap the copy: moto's reads of
/// absent items add empty entries to the table, and the copy then fails with a 500
/// (`dictionary changed size during iteration`), which the SDK retries, so a test that
/// counts attempts sees one too many. DynamoDB isolates transactions (serializable), so
/// sending moto one DynamoDB write at a time, and reads only while no write is under
/// way, gives the tests DynamoDB's semantics; the callers still race for everything else
/// (reads among themselves, the order of reads and writes, retries). The gate also
/// answers the requests a [`FaultInjector`] refuses, without sending them.
#[derive(Debug)]
struct OneWriteAtATime {
    inner: SharedHttpClient,
    gate: Arc<RwLock<()>>,
}

impl OneWriteAtATime {
    fn shared() -> SharedHttpClient {
        static GATE: OnceLock<Arc<RwLock<()>>> = OnceLock::new();
        SharedHttpClient::new(OneWriteAtATime {
            inner: aws_smithy_http_client::Builder::new().build_http(),
            gate: GATE.get_or_init(|| Arc::new(RwLock::new(()))).clone(),
        })
    }
}

impl HttpClient for OneWriteAtATime {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(GatedConnector {
            inner: self.inner.http_connector(settings, components),
            gate: self.gate.clone(),
        })
    }
}

#[derive(Debug)]
struct GatedConnector {
    inner: SharedHttpConnector,
    gate: Arc<RwLock<()>>,
}

/// Every DynamoDB request that changes what moto holds, tables included.
const WRITES: [&str; 9] = [
    "TransactWriteItems",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "CreateTable",
    "DeleteTable",
    "UpdateTable",
    "UpdateTimeToLive",
];

impl HttpConnector for GatedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        // A request a FaultInjector refuses is answered here, never sent.
        if let Some(answer) = request.extension::<faults::InjectedAnswer>() {
            let response = answer.response();
            return HttpConnectorFuture::new(async move { Ok(response) });
        }
        // DynamoDB names its operation in this header; S3 requests have none and pass.
        let operation = request
            .headers()
            .get("x-amz-target")
            .filter(|target| target.starts_with("DynamoDB_"))
            .and_then(|target| target.rsplit('.').next())
            .map(|operation| WRITES.contains(&operation));
        let (inner, gate) = (self.inner.clone(), self.gate.clone());
        HttpConnectorFuture::new(async move {
            let _write = match operation {
                Some(true) => Some(gate.clone().write_owned().await),
                _ => None,
            };
            let _read = match operation {
                Some(false) => Some(gate.read_owned().await),
                _ => None,
            };
            inner.call(request).await
        })
    }
}

/// A stand-in for the Lambda Runtime API, enough to run a function binary for real in a
/// test: it hands out the given events one by one and collects what the function
/// answers. (cargo-lambda's emulator needs its own install and a build per run; this is
/// the protocol's few lines.)
pub mod runtime_api {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::mpsc;
    use std::time::Duration;

    /// What the function answered to one event.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Answer {
        Response(String),
        /// An invocation error (`/error`) or an init error, with the body the runtime sent.
        Error(String),
    }

    pub struct RuntimeApi {
        /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
        pub address: String,
        answers: mpsc::Receiver<Answer>,
        polls: mpsc::Receiver<std::time::Instant>,
    }

    impl RuntimeApi {
        /// Serves `events` in order; after the last, a request for the next event waits
        /// until the test ends.
        pub fn serve(events: Vec<String>) -> RuntimeApi {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
            let address = listener.local_addr().expect("bound").to_string();
            let (tx, answers) = mpsc::channel();
            let (polled, polls) = mpsc::channel();
            std::thread::spawn(move || {
                let mut pending = events.into_iter().enumerate();
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { return };
                    if !serve_one(stream, &mut pending, &tx, &polled) {
                        return;
                    }
                }
            });
            RuntimeApi {
                address,
                answers,
                polls,
            }
        }

        /// A command that starts `binary` as Lambda would start the function `name`:
        /// the runtime variables Lambda sets, pointed at this stand-in, and credentials,
        /// region and endpoint of the local DynamoDB/S3 API. Nothing else is inherited.
        pub fn command(&self, binary: &str, name: &str) -> std::process::Command {
            let mut command = std::process::Command::new(binary);
            command
                .env_clear()
                .env("AWS_LAMBDA_RUNTIME_API", &self.address)
                .env("AWS_LAMBDA_FUNCTION_NAME", name)
                .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
                .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
                .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
                .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
                .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
                .env("AWS_REGION", "us-east-1")
                .env("AWS_ACCESS_KEY_ID", "test")
                .env("AWS_SECRET_ACCESS_KEY", "test")
                .env("AWS_ENDPOINT_URL", &super::local_aws().endpoint);
            command
        }

        /// When the function asked for its next event (the first time it is called, the
        /// end of its init), or `None` if it did not in time.
        pub fn poll(&self, timeout: Duration) -> Option<std::time::Instant> {
            self.polls.recv_timeout(timeout).ok()
        }

        /// The next answer, or `None` if none came in time.
        pub fn answer(&self, timeout: Duration) -> Option<Answer> {
            self.answers.recv_timeout(timeout).ok()
        }
    }

    /// Runs `binary` as the function `name`, with `env` beside what [`RuntimeApi::command`]
    /// sets, over `events`, and stops it once each has its answer (`None` for one that
    /// got none within a minute). Its output is dropped: the answers are what is tested.
    pub fn answers(
        binary: &str,
        name: &str,
        env: &[(&str, &str)],
        events: Vec<String>,
    ) -> Vec<Option<Answer>> {
        let count = events.len();
        let runtime = RuntimeApi::serve(events);
        let mut child = runtime
            .command(binary, name)
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("the {name} binary starts: {e}"));
        let answers = (0..count)
            .map(|_| runtime.answer(Duration::from_secs(60)))
            .collect();
        child.kill().expect("the function stops");
        child.wait().expect("the function is reaped");
        answers
    }

    /// Handles one HTTP request; `false` once there is nothing more to hand out.
    fn serve_one(
        mut stream: TcpStream,
        pending: &mut impl Iterator<Item = (usize, String)>,
        answers: &mpsc::Sender<Answer>,
        polls: &mpsc::Sender<std::time::Instant>,
    ) -> bool {
        let mut reader = BufReader::new(stream.try_clone().expect("stream clone"));
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            return true;
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        let _ = reader.read_exact(&mut body);
        let body = String::from_utf8_lossy(&body).into_owned();
        let path = request_line.split_whitespace().nth(1).unwrap_or("");
        if path.ends_with("/invocation/next") {
            let _ = polls.send(std::time::Instant::now());
            let Some((n, event)) = pending.next() else {
                // Hold the connection: the function waits for work until the test ends.
                std::thread::sleep(Duration::from_secs(3600));
                return false;
            };
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock after 1970")
                .as_millis()
                + 60_000;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n\
                 Lambda-Runtime-Aws-Request-Id: request-{n}\r\n\
                 Lambda-Runtime-Deadline-Ms: {deadline}\r\n\
                 Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:test\r\n\
                 Content-Length: {}\r\n\r\n{event}",
                event.len()
            );
        } else {
            let answer = if path.ends_with("/response") {
                Answer::Response(body)
            } else {
                Answer::Error(body)
            };
            let _ = answers.send(answer);
            let _ = write!(
                stream,
                "HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            );
        }
        true
    }
}
