# The shipping build (node-gyp; prebuildify makes prebuilds/ from it). Sources come from
# native/sources.json, which CMakeLists.txt reads too. No -march flags: prebuilds must run on any
# CPU of the architecture; SIMD levels will be chosen at run time inside the sources.
{
  'targets': [
    {
      'target_name': 'sparse_linalg',
      'sources': [
        '<!@(node -p "require(\'./native/sources.json\').sources.join(\' \')")',
      ],
      'include_dirs': [
        '<!@(node -p "require(\'./native/sources.json\').include_dirs.join(\' \')")',
      ],
      'dependencies': [
        '<!(node -p "require(\'node-addon-api\').targets"):node_addon_api_except',
      ],
      'defines': [
        'NAPI_VERSION=9',
        'SPARSE_LINALG_VERSION="<!(node -p "require(\'./package.json\').version")"',
      ],
      'cflags!': ['-O2'],
      'cflags_cc!': ['-std=gnu++17', '-fno-rtti'],
      # -ffp-contract=off: no fused multiply-adds, so sums round exactly as the JS twin's do
      # (GCC contracts by default where FMA is in the baseline ISA, e.g. aarch64).
      'cflags': ['-O3', '-Wall', '-Wextra', '-ffp-contract=off'],
      'cflags_cc': ['-std=c++17'],
      'xcode_settings': {
        'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
        'GCC_OPTIMIZATION_LEVEL': '3',
        'OTHER_CFLAGS': ['-Wall', '-Wextra', '-ffp-contract=off'],
      },
      'msvs_settings': {
        'VCCLCompilerTool': {'AdditionalOptions': ['/std:c++17', '/fp:precise']},
      },
    },
  ],
}
