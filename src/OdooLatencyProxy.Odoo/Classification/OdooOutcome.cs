namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>How a request ended: the values of the <c>odoo.outcome</c> attribute.</summary>
public enum OdooOutcome
{
    /// <summary><c>ok</c>: a success as far as the status and the response prefix tell.</summary>
    Ok,

    /// <summary><c>rpc_error</c>: a JSON-RPC error or XML-RPC fault inside a 2xx response.</summary>
    RpcError,

    /// <summary><c>session_expired</c>: JSON-RPC error code 100.</summary>
    SessionExpired,

    /// <summary><c>client_error</c>: HTTP 4xx.</summary>
    ClientError,

    /// <summary><c>server_error</c>: HTTP 5xx from Odoo.</summary>
    ServerError,

    /// <summary><c>upstream_error</c>: connection refused or reset, worker killed (decided by the proxy).</summary>
    UpstreamError,

    /// <summary><c>timeout</c>: the upstream did not answer in time (decided by the proxy).</summary>
    Timeout,

    /// <summary><c>rejected</c>: refused by the proxy's queue (decided by the proxy).</summary>
    Rejected,

    /// <summary><c>client_abort</c>: the client went away (decided by the proxy).</summary>
    ClientAbort,
}
