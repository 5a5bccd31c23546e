// Jest resolver for TypeScript sources that import siblings as `./x.js`, as
// Node's ES module rules require (the generated @pigeon/client does). When the
// `.js` file does not exist, the `.ts` source next to it is used, as tsc does.
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    if (/^\.{1,2}\/.*\.js$/.test(request)) {
      return options.defaultResolver(request.replace(/\.js$/, '.ts'), options);
    }
    throw error;
  }
};
