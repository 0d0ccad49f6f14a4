package dev.audiencerelay.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Tells a database outage (worth a 503 and a retry) apart from a bug. */
public final class DatabaseFailures {

    private DatabaseFailures() {}

    /** True when some cause says the database could not be reached or dropped the connection. */
    public static boolean isUnavailable(Throwable throwable) {
        for (Throwable cause = throwable; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && isConnectionState(sql.getSQLState())) {
                return true;
            }
            String name = cause.getClass().getName();
            if (name.equals("org.hibernate.exception.JDBCConnectionException")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** A short, secret-free description for a log line. */
    public static String summary(Throwable throwable) {
        for (Throwable cause = throwable; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return "SQL state " + sql.getSQLState() + ": " + sql.getMessage();
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return throwable.getMessage();
    }

    private static boolean isConnectionState(String sqlState) {
        // Class 08 is "connection exception"; 57P01-57P03 are shutdown and "cannot connect now".
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P"));
    }
}
