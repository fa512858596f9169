// Generated from src/model/layer_catalog.cpp: do not edit. Rebuild with
// `sh scripts/build.sh --native`, then `build/native/write_layer_catalog`; the native
// tests fail while this file differs from the engine's catalog.
export const LAYER_CATALOG = Object.freeze([
  {"className":"Conv2D","aliases":["Convolution2D"],"baseName":"conv2d","positional":["filters","kernel_size","strides","padding","data_format","dilation_rate","groups","activation","use_bias","kernel_initializer","bias_initializer","kernel_regularizer","bias_regularizer","activity_regularizer","kernel_constraint","bias_constraint"],"keywords":["lora_rank"],"required":["filters","kernel_size"],"codePositional":2,"token":"C{filters}"},
  {"className":"MaxPooling2D","aliases":["MaxPool2D"],"baseName":"max_pooling2d","positional":["pool_size","strides","padding","data_format"],"keywords":[],"required":[],"codePositional":1,"token":"P"},
  {"className":"Flatten","aliases":[],"baseName":"flatten","positional":["data_format"],"keywords":[],"required":[],"codePositional":0,"token":""},
  {"className":"Dense","aliases":[],"baseName":"dense","positional":["units","activation","use_bias","kernel_initializer","bias_initializer","kernel_regularizer","bias_regularizer","activity_regularizer","kernel_constraint","bias_constraint"],"keywords":["lora_rank"],"required":["units"],"codePositional":1,"token":"D{units}"},
  {"className":"Dropout","aliases":[],"baseName":"dropout","positional":["rate","noise_shape","seed"],"keywords":[],"required":["rate"],"codePositional":1,"token":"Drop{rate}"},
  {"className":"BatchNormalization","aliases":[],"baseName":"batch_normalization","positional":["axis","momentum","epsilon","center","scale","beta_initializer","gamma_initializer","moving_mean_initializer","moving_variance_initializer","beta_regularizer","gamma_regularizer","beta_constraint","gamma_constraint"],"keywords":["synchronized","renorm","virtual_batch_size","adjustment","fused"],"required":[],"codePositional":0,"token":"BN"},
  {"className":"Activation","aliases":[],"baseName":"activation","positional":["activation"],"keywords":[],"required":["activation"],"codePositional":1,"token":""},
  {"className":"AveragePooling2D","aliases":["AvgPool2D"],"baseName":"average_pooling2d","positional":["pool_size","strides","padding","data_format"],"keywords":[],"required":[],"codePositional":1,"token":"AP"},
  {"className":"GlobalAveragePooling2D","aliases":["GlobalAvgPool2D"],"baseName":"global_average_pooling2d","positional":["data_format","keepdims"],"keywords":[],"required":[],"codePositional":0,"token":"GAP"},
  {"className":"GlobalMaxPooling2D","aliases":["GlobalMaxPool2D"],"baseName":"global_max_pooling2d","positional":["data_format","keepdims"],"keywords":[],"required":[],"codePositional":0,"token":"GMP"},
  {"className":"Rescaling","aliases":[],"baseName":"rescaling","positional":["scale","offset"],"keywords":[],"required":["scale"],"codePositional":1,"token":""},
  {"className":"ZeroPadding2D","aliases":[],"baseName":"zero_padding2d","positional":["padding","data_format"],"keywords":[],"required":[],"codePositional":1,"token":"Z"},
  {"className":"Reshape","aliases":[],"baseName":"reshape","positional":["target_shape"],"keywords":[],"required":["target_shape"],"codePositional":1,"token":""},
  {"className":"LeakyReLU","aliases":[],"baseName":"leaky_re_lu","positional":["alpha"],"keywords":["negative_slope"],"required":[],"codePositional":1,"token":""},
  {"className":"ELU","aliases":[],"baseName":"elu","positional":["alpha"],"keywords":[],"required":[],"codePositional":1,"token":""},
  {"className":"ReLU","aliases":[],"baseName":"re_lu","positional":["max_value","negative_slope","threshold"],"keywords":[],"required":[],"codePositional":0,"token":""},
]);
