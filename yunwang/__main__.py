from yunwang.cli import main

main()
