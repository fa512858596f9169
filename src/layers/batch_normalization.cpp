#include "layers/batch_normalization.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.hpp"
#include "core/format.hpp"
#include "layers/keras_json.hpp"

namespace convlab {

BatchNormalization::BatchNormalization(std::string name, float momentum, float epsilon)
    : Layer(std::move(name)), momentum_(momentum), epsilon_(epsilon) {
  if (!(momentum >= 0.0f && momentum < 1.0f))
    throw Error(name_ + ": BatchNormalization momentum must be in [0, 1), got " +
                format_number(momentum));
  if (!(epsilon > 0.0f) || !std::isfinite(epsilon))
    throw Error(name_ + ": BatchNormalization epsilon must be > 0, got " + format_number(epsilon));
}

Shape BatchNormalization::output_shape_for(const Shape& input_shape) const {
  if (input_shape.empty() || shape_size(input_shape) == 0)
    throw Error(name_ + ": BatchNormalization needs an input with a channel axis but got " +
                keras_shape(input_shape));
  return input_shape;
}

double BatchNormalization::weight_floats(const Shape& input_shape) const {
  return 6.0 * double(input_shape.back());  // gamma, beta, moving stats, their grads
}

double BatchNormalization::scratch_floats(const Shape&, const Shape& output_shape) const {
  double n = 1.0;
  for (auto d : output_shape) n *= double(d);
  return n;  // xhat
}

Shape BatchNormalization::build(const Shape& input_shape, Rng&) {
  output_shape_for(input_shape);  // validates
  channels_ = input_shape.back();
  gamma_ = xt::ones<float>({channels_});
  beta_ = xt::zeros<float>({channels_});
  moving_mean_ = xt::zeros<float>({channels_});
  moving_variance_ = xt::ones<float>({channels_});
  grad_gamma_ = xt::zeros<float>({channels_});
  grad_beta_ = xt::zeros<float>({channels_});
  mean_.assign(channels_, 0.0);
  var_.assign(channels_, 0.0);
  inv_std_.assign(channels_, 0.0f);
  sum_dy_.assign(channels_, 0.0);
  sum_dy_xhat_.assign(channels_, 0.0);
  return input_shape;
}

const Tensor& BatchNormalization::forward(const Tensor& x, Mode mode) {
  mode_ = mode;
  ensure_shape_of(y_, x);  // no Shape built: a steady training step allocates nothing
  ensure_shape_of(xhat_, x);
  const std::size_t c_n = channels_, m_n = x.size() / c_n;  // m_n = N*H*W values per channel
  const float* px = x.data();

  if (mode == Mode::training) {
    // Two passes (mean, then mean squared deviation) in double: the one-pass E[x^2] - E[x]^2
    // cancels badly when |mean| >> std.
    std::fill(mean_.begin(), mean_.end(), 0.0);
    std::fill(var_.begin(), var_.end(), 0.0);
    for (std::size_t m = 0; m < m_n; ++m)
      for (std::size_t c = 0; c < c_n; ++c) mean_[c] += px[m * c_n + c];
    for (std::size_t c = 0; c < c_n; ++c) mean_[c] /= double(m_n);
    for (std::size_t m = 0; m < m_n; ++m)
      for (std::size_t c = 0; c < c_n; ++c) {
        const double d = px[m * c_n + c] - mean_[c];
        var_[c] += d * d;
      }
    float* mm = moving_mean_.data();
    float* mv = moving_variance_.data();
    for (std::size_t c = 0; c < c_n; ++c) {
      var_[c] /= double(m_n);  // biased: the variance the batch is normalised with
      inv_std_[c] = float(1.0 / std::sqrt(var_[c] + double(epsilon_)));
      mm[c] = mm[c] * momentum_ + float(mean_[c]) * (1.0f - momentum_);
      mv[c] = mv[c] * momentum_ + float(var_[c]) * (1.0f - momentum_);
    }
  } else {
    const float* mm = moving_mean_.data();
    const float* mv = moving_variance_.data();
    for (std::size_t c = 0; c < c_n; ++c) {
      mean_[c] = mm[c];
      inv_std_[c] = float(1.0 / std::sqrt(double(mv[c]) + double(epsilon_)));
    }
  }

  const float* g = gamma_.data();
  const float* b = beta_.data();
  float* xh = xhat_.data();
  float* y = y_.data();
  for (std::size_t m = 0; m < m_n; ++m)
    for (std::size_t c = 0; c < c_n; ++c) {
      const std::size_t i = m * c_n + c;
      xh[i] = float(px[i] - mean_[c]) * inv_std_[c];
      y[i] = g[c] * xh[i] + b[c];
    }
  return y_;
}

const Tensor& BatchNormalization::backward(const Tensor& dy) {
  const std::size_t c_n = channels_, m_n = dy.size() / c_n;
  const float* pdy = dy.data();
  const float* xh = xhat_.data();
  std::fill(sum_dy_.begin(), sum_dy_.end(), 0.0);
  std::fill(sum_dy_xhat_.begin(), sum_dy_xhat_.end(), 0.0);
  for (std::size_t m = 0; m < m_n; ++m)
    for (std::size_t c = 0; c < c_n; ++c) {
      const std::size_t i = m * c_n + c;
      sum_dy_[c] += pdy[i];
      sum_dy_xhat_[c] += double(pdy[i]) * xh[i];
    }
  float* dg = grad_gamma_.data();
  float* db = grad_beta_.data();
  for (std::size_t c = 0; c < c_n; ++c) {
    dg[c] = float(sum_dy_xhat_[c]);
    db[c] = float(sum_dy_[c]);
  }
  if (!input_gradient_needed_) return dx_;

  ensure_shape_of(dx_, dy);
  float* dx = dx_.data();
  const float* g = gamma_.data();
  if (mode_ == Mode::training) {
    // Ioffe & Szegedy 2015, Algorithm 1 back-propagated through the batch mean and variance:
    //   dx = gamma / sqrt(var + eps) * (dy - mean(dy) - xhat * mean(dy * xhat))
    for (std::size_t m = 0; m < m_n; ++m)
      for (std::size_t c = 0; c < c_n; ++c) {
        const std::size_t i = m * c_n + c;
        const double centred =
            pdy[i] - sum_dy_[c] / double(m_n) - xh[i] * sum_dy_xhat_[c] / double(m_n);
        dx[i] = float(g[c] * inv_std_[c] * centred);
      }
  } else {
    // The moving statistics are constants here, so the layer is a per-channel affine map.
    for (std::size_t m = 0; m < m_n; ++m)
      for (std::size_t c = 0; c < c_n; ++c) {
        const std::size_t i = m * c_n + c;
        dx[i] = pdy[i] * g[c] * inv_std_[c];
      }
  }
  return dx_;
}

std::vector<Param> BatchNormalization::params() {
  return {{"gamma", &gamma_, &grad_gamma_, {}}, {"beta", &beta_, &grad_beta_, {}}};
}

std::vector<Weight> BatchNormalization::non_trainable_weights() {
  return {{"moving_mean", &moving_mean_}, {"moving_variance", &moving_variance_}};
}

Json BatchNormalization::config() const {
  Json c;
  c["axis"] = -1;
  c["momentum"] = config_number(momentum_);
  c["epsilon"] = config_number(epsilon_);
  c["center"] = true;
  c["scale"] = true;
  c["beta_initializer"] = keras_initializer("Zeros");
  c["gamma_initializer"] = keras_initializer("Ones");
  c["moving_mean_initializer"] = keras_initializer("Zeros");
  c["moving_variance_initializer"] = keras_initializer("Ones");
  c["beta_regularizer"] = nullptr;
  c["gamma_regularizer"] = nullptr;
  c["beta_constraint"] = nullptr;
  c["gamma_constraint"] = nullptr;
  return c;
}

}  // namespace convlab
