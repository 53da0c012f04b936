/**
 * Reading large JSON request bodies as streams (numbers straight into float arrays, never a tree of objects), for the
 * features that take arrays: datasets, predictions, weights. Knows nothing of HTTP.
 */
package org.rnnservice.json;
