// jest setupFiles: the AWS SDK warns, once per worker, that its releases after January 2027 need
// Node 22; the pinned release runs on this Node, and the warning says nothing about the tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
